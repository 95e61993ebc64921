"""Idempotency keys (SPEC §2.5, §7.6): claimed inside the money transaction, so a key is
never run twice — not by simultaneous duplicates, not by a takeover of a slow request —
and a completed key is replayed even when the rate limit would refuse a new request."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from starlette.applications import Starlette

from casino_club.clock import FrozenClock
from casino_club.config import Settings
from casino_club.persistence import idempotency
from casino_club.persistence.idempotency import KeyRequest, KeyTaken
from casino_club.persistence.models import LedgerEntry
from casino_club.services import Services
from tests.conftest import Backend, api_for, running_app
from tests.support import Api, books_balance, row_id, spin

DICE = """mutation D($input: DiceRollInput!) { diceRoll(input: $input) {
  __typename ... on UserError { code } } }"""


@pytest.fixture
def settings(backend: Backend) -> Settings:
    return backend.settings(game_rate_limit_per_second=1000)


async def bets_of(app: Starlette, user_id: str) -> int:
    services: Services = app.state.services
    async with services.sessionmaker() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(LedgerEntry)
            .where(LedgerEntry.user_id == row_id(user_id), LedgerEntry.reason == "SLOT_BET")
        )
    return int(count or 0)


async def test_twenty_simultaneous_requests_with_one_key_charge_once(
    api: Api, app: Starlette
) -> None:
    created = await api.new_player()
    token, user_id = created["accessToken"], created["user"]["id"]
    results = await asyncio.gather(*(spin(api, token, 50, key="one-spin") for _ in range(20)))
    # The duplicates wait for the first transaction's claim, then replay what it stored.
    assert Counter((r["__typename"], r["replayed"]) for r in results) == {
        ("SlotSpinSuccess", False): 1,
        ("SlotSpinSuccess", True): 19,
    }
    assert len({r["roundId"] for r in results}) == 1
    assert await bets_of(app, user_id) == 1
    await books_balance(app)


async def test_a_completed_key_replays_even_when_the_rate_window_is_full(
    settings: Settings, clock: FrozenClock
) -> None:
    limited = settings.model_copy(update={"game_rate_limit_per_second": 3})
    async with running_app(limited, clock) as application, api_for(application) as api:
        await _replay_through_a_full_window(api)


async def _replay_through_a_full_window(api: Api) -> None:
    token = (await api.new_player())["accessToken"]
    first = await spin(api, token, 10, key="before-the-burst")
    assert first["__typename"] == "SlotSpinSuccess"
    for _ in range(2):
        assert (await spin(api, token, 10))["__typename"] == "SlotSpinSuccess"
    assert (await spin(api, token, 10))["__typename"] == "RateLimited"
    again = await spin(api, token, 10, key="before-the-burst")
    assert (again["__typename"], again["replayed"]) == ("SlotSpinSuccess", True)
    assert again["roundId"] == first["roundId"]
    # A new key, or the old key for another request, is still limited or refused.
    assert (await spin(api, token, 10, key="new"))["__typename"] == "RateLimited"
    assert (await spin(api, token, 20, key="before-the-burst"))["__typename"] == (
        "IdempotencyKeyReused"
    )


async def test_one_key_names_one_operation_across_games(api: Api) -> None:
    token = (await api.new_player())["accessToken"]
    assert (await spin(api, token, 10, key="shared"))["__typename"] == "SlotSpinSuccess"
    rolled = await api.data(
        DICE,
        {"input": {"stake": 10, "chance": 50, "direction": "UNDER", "idempotencyKey": "shared"}},
        token=token,
    )
    assert rolled["diceRoll"] == {
        "__typename": "IdempotencyKeyReused",
        "code": "IDEMPOTENCY_KEY_REUSED",
    }


async def test_a_running_claim_is_never_taken_over(api: Api, app: Starlette) -> None:
    """Two transactions claim one key; the second waits for the first however long it
    runs (the old 60-second takeover let both commit), then finds the key taken."""
    services: Services = app.state.services
    user_id = row_id((await api.new_player())["user"]["id"])
    now = services.clock.now()
    request = KeyRequest(
        user_id=user_id,
        key="slow",
        operation="slotSpin",
        fingerprint=idempotency.fingerprint("slotSpin", {"stake": 10}),
        expired_before=now - timedelta(hours=24),
    )
    later = KeyRequest(
        user_id=user_id,
        key="slow",
        operation="slotSpin",
        fingerprint=request.fingerprint,
        expired_before=now + timedelta(minutes=5) - timedelta(hours=24),
    )
    async with services.unit_of_work() as first:
        claimed = await idempotency.claim(first.session, request, now)

        async def second_claim() -> None:
            async with services.unit_of_work() as second:
                await idempotency.claim(second.session, later, now + timedelta(minutes=5))
                await second.commit()

        second = asyncio.create_task(second_claim())
        await asyncio.sleep(0.5)
        assert not second.done()  # it waits on the first transaction's claim
        await idempotency.complete(first.session, claimed, {"done": True}, now)
        await first.commit()
    async with asyncio.timeout(30):
        with pytest.raises(KeyTaken):
            await second
