"""A bet whose instance died between its commit and its publish (SPEC §10, §16): the
client's retry with the same idempotency key is answered from the key's stored answer,
and announces the bet's events first — once, however often the client retries.

The kill is simulated where it matters: the bet goes through its real path (the
database, and Redis or the in-process journal), and the one publish after its commit
never happens — it hangs, as a frozen process would, and the request is cancelled, as
the kill ends it, so the client never hears an answer.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from typing import Any

import pytest
from sqlalchemy import select
from starlette.applications import Starlette

from casino_club.live.events import MONITOR_CHANNEL, user_channel
from casino_club.live.journal import NO_EVENT, Batch
from casino_club.persistence.models import IdempotencyKey, LedgerEntry
from casino_club.services import Services
from tests.integration.test_event_bus import TIMEOUT, all_within
from tests.support import Api, grant_gold, row_id

QUIET_SECONDS = 0.3
# A crash round may end by itself while the test runs (its crash point is the seed's):
# its settlement is news of its own, published when it happens, not the bet again.
ROUND_END_TYPES = frozenset({"CRASH_SETTLED"})
ROUND_END_REASONS = frozenset({"CRASH_WIN"})


def the_bets(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events the bet announces, without those of its round's end."""
    return [
        e
        for e in events
        if e.get("type") not in ROUND_END_TYPES and e.get("reason") not in ROUND_END_REASONS
    ]


# Each keyed game: its mutation, its input type and values (beside the key), its success.
GAMES: dict[str, tuple[str, dict[str, Any], str]] = {
    "slotSpin": ("SlotSpinInput", {"stake": 10}, "SlotSpinSuccess"),
    "diceRoll": (
        "DiceRollInput",
        {"stake": 10, "chance": 50.0, "direction": "UNDER"},
        "DiceRollSuccess",
    ),
    "rpsPlay": ("RpsPlayInput", {"stake": 10, "move": "ROCK"}, "RpsPlaySuccess"),
    "gachaPull": ("GachaPullInput", {"count": "ONE", "payWith": "GOLD"}, "GachaPullSuccess"),
    "wheelSpin": ("WheelSpinInput", {}, "WheelSpinSuccess"),
    "crashBet": ("CrashBetInput", {"stake": 10, "autoCashout": 2.0}, "CrashBetPlaced"),
}


def mutation(operation: str) -> str:
    input_type, _, success = GAMES[operation]
    round_id = "round { id }" if operation == "crashBet" else "roundId"
    return (
        f"mutation M($input: {input_type}!) {{ {operation}(input: $input) {{ __typename "
        f"... on {success} {{ {round_id} balance replayed }} "
        "... on UserError { code message } } }"
    )


async def play(api: Api, token: str, operation: str, key: str) -> dict[str, Any]:
    _, values, _ = GAMES[operation]
    variables = {"input": {**values, "idempotencyKey": key}}
    result: dict[str, Any] = (await api.data(mutation(operation), variables, token=token))[
        operation
    ]
    return result


class Frozen:
    """The outbox of an instance frozen right after a commit: its next publish never
    happens."""

    def __init__(self) -> None:
        self.reached = asyncio.Event()

    async def publish(
        self, batches: Sequence[Batch], key: str | None = None, retry: bool = False
    ) -> None:
        self.reached.set()
        await asyncio.Event().wait()


async def killed_after_commit(
    api: Api, services: Services, monkeypatch: pytest.MonkeyPatch, token: str, operation: str
) -> None:
    """Play once with the key "k": committed, never published, never answered."""
    frozen = Frozen()
    with monkeypatch.context() as patched:
        patched.setattr(services.outbox, "publish", frozen.publish)
        request = asyncio.create_task(play(api, token, operation, "k"))
        reached = asyncio.create_task(frozen.reached.wait())
        await asyncio.wait([request, reached], timeout=TIMEOUT, return_when="FIRST_COMPLETED")
        assert frozen.reached.is_set(), request  # the bet committed, and went to publish
        request.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await request


async def key_state(services: Services, user_id: int) -> str | None:
    async with services.sessionmaker() as session:
        state: str | None = await session.scalar(
            select(IdempotencyKey.state).where(IdempotencyKey.user_id == user_id)
        )
    return state


async def ledger_rows(services: Services, user_id: int) -> list[tuple[int, int, str]]:
    """The player's ledger rows after the gold the test granted: (delta, gold, reason)."""
    async with services.sessionmaker() as session:
        rows = await session.execute(
            select(LedgerEntry.amount, LedgerEntry.balance_after, LedgerEntry.reason)
            .where(LedgerEntry.user_id == user_id)
            .order_by(LedgerEntry.id)
        )
    return [
        (amount, gold, reason)
        for amount, gold, reason in rows.all()[2:]
        if reason not in ROUND_END_REASONS
    ]


@pytest.mark.parametrize("operation", list(GAMES))
async def test_a_retry_announces_what_a_killed_instance_committed_once(
    api: Api, app: Starlette, monkeypatch: pytest.MonkeyPatch, operation: str
) -> None:
    services: Services = app.state.services
    created = await api.new_player()
    token, user_id = created["accessToken"], row_id(created["user"]["id"])
    await grant_gold(app, created["user"]["id"], 10_000)
    channel = user_channel(user_id)
    async with (
        services.events.subscribe(channel) as stream,
        services.events.subscribe(MONITOR_CHANNEL) as monitor,
    ):
        await killed_after_commit(api, services, monkeypatch, token, operation)
        assert await key_state(services, user_id) == "COMPLETED", "the bet committed"
        rows = await ledger_rows(services, user_id)  # none for a free spin that paid none
        assert the_bets(await all_within(stream, QUIET_SECONDS)) == [], "never published"

        retried = await play(api, token, operation, "k")
        assert retried["replayed"] is True, retried
        heard = the_bets(await all_within(stream, QUIET_SECONDS))
        balances = [(e["delta"], e["gold"], e["reason"]) for e in heard if e["kind"] == "balance"]
        assert balances == rows
        games = [e for e in heard if e["kind"] == "game" and e["roundId"] is not None]
        round_id = retried["round"]["id"] if operation == "crashBet" else retried["roundId"]
        assert [str(e["roundId"]) for e in games] == [str(row_id(round_id))]
        watched = [
            e for e in the_bets(await all_within(monitor, QUIET_SECONDS)) if e["userId"] == user_id
        ]
        assert watched == [{**e, "userId": user_id} for e in heard if e["kind"] == "game"]

        again = await play(api, token, operation, "k")
        assert again["replayed"] is True and again == retried
        assert the_bets(await all_within(stream, QUIET_SECONDS)) == [], "announced once"
        assert the_bets(await all_within(monitor, QUIET_SECONDS)) == []

    # A subscriber coming back finds the bet's events in the journal, once.
    async with services.events.subscribe(channel, since=NO_EVENT) as replayed:
        assert the_bets(await all_within(replayed, QUIET_SECONDS)) == heard


async def test_a_retry_of_a_bet_that_was_announced_announces_nothing_more(
    api: Api, app: Starlette
) -> None:
    services: Services = app.state.services
    created = await api.new_player()
    token, user_id = created["accessToken"], row_id(created["user"]["id"])
    async with services.events.subscribe(user_channel(user_id)) as stream:
        first = await play(api, token, "slotSpin", "k")
        assert first["replayed"] is False
        heard = await all_within(stream, QUIET_SECONDS)
        assert [e["kind"] for e in heard][-1] == "game"
        again = await play(api, token, "slotSpin", "k")
        assert again["replayed"] is True and again["roundId"] == first["roundId"]
        assert await all_within(stream, QUIET_SECONDS) == []
