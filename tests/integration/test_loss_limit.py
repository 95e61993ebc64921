"""The daily loss limit (SPEC §5.5), on both backends: a bet that could take the game
day's net loss at play (stakes minus wins, across all games) past the limit is refused
with LossLimitReached and changes nothing; the day turns over at midnight.

A crash bet is the deterministic loss here: its stake leaves the wallet (and counts) as
it is placed, and pays nothing until a cash-out that these tests never make.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from starlette.applications import Starlette

from casino_club.clock import FrozenClock
from casino_club.config import Settings
from casino_club.domain.ledger import AT_PLAY
from casino_club.persistence.models import LedgerEntry
from casino_club.services import Services
from tests.conftest import Backend
from tests.support import FAIRNESS, LEDGER, Api, books_balance, error_codes, grant_gold, row_id

SET = """mutation S($input: SetLimitsInput!) { setLimits(input: $input) {
  __typename ... on LimitsSet { limits { dailyLossGold { amount pending { amount appliesAt } } } }
  ... on ValidationFailed { fields { field code } } } }"""
REFUSAL = "__typename ... on LossLimitReached { code limit remaining resetsAt }"
GAMES = {
    "slotSpin": "slotSpin(input: {stake: $stake})",
    "diceRoll": "diceRoll(input: {stake: $stake, chance: 50, direction: UNDER})",
    "rpsPlay": "rpsPlay(input: {stake: $stake, move: ROCK})",
    "crashBet": "crashBet(input: {stake: $stake})",
}
GACHA_ONE = "mutation { gachaPull(input: {count: ONE, payWith: GOLD}) { __typename } }"


@pytest.fixture
def settings(backend: Backend) -> Settings:
    # The rate limit (10/s) and gacha's daily count are tested on their own; here they
    # would only hide the races.
    return backend.settings(
        game_rate_limit_per_second=100_000, gacha_daily_limits={"STANDARD": 1_000}
    )


async def set_loss_limit(api: Api, token: str, amount: int | None) -> dict[str, Any]:
    result = (await api.data(SET, {"input": {"dailyLossGold": amount}}, token=token))["setLimits"]
    assert result["__typename"] == "LimitsSet", result
    loss: dict[str, Any] = result["limits"]["dailyLossGold"]
    return loss


async def play(api: Api, token: str, game: str, stake: int) -> dict[str, Any]:
    query = f"mutation P($stake: Gold!) {{ {GAMES[game]} {{ {REFUSAL} }} }}"
    answer: dict[str, Any] = (await api.data(query, {"stake": stake}, token=token))[game]
    return answer


async def state(api: Api, token: str) -> tuple[Any, ...]:
    """What a refused bet must leave as it was: gold, nonce, ledger."""
    me = (await api.data(FAIRNESS, token=token))["me"]
    ledger = (await api.data(LEDGER, token=token))["me"]["ledger"]["edges"]
    return me["gold"], me["fairness"]["nonce"], [edge["node"]["id"] for edge in ledger]


async def lost_since(app: Starlette, user_id: str, since: datetime) -> list[int]:
    """The play rows from `since`, in the order they were written (not the code's query)."""
    services: Services = app.state.services
    async with services.sessionmaker() as session:
        rows = await session.scalars(
            select(LedgerEntry.amount)
            .where(
                LedgerEntry.user_id == row_id(user_id),
                LedgerEntry.created_at >= since,
                LedgerEntry.reason.in_([reason.value for reason in AT_PLAY]),
            )
            .order_by(LedgerEntry.id)
        )
        return list(rows)


def next_midnight(clock: FrozenClock) -> datetime:
    """GAME_TIMEZONE is UTC in tests."""
    now = clock.now()
    return now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)


async def test_a_stake_is_refused_exactly_when_it_could_pass_the_limit(
    api: Api, app: Starlette, clock: FrozenClock
) -> None:
    signed = await api.new_player()
    token, user_id = signed["accessToken"], signed["user"]["id"]
    start = clock.now()
    before = await state(api, token)  # a request: the session check is now cached...
    # ...and must learn of the limit at once.
    assert await set_loss_limit(api, token, 150) == {"amount": 150, "pending": None}
    assert (await play(api, token, "crashBet", 100))["__typename"] == "CrashBetPlaced"
    assert -sum(await lost_since(app, user_id, start)) == 100  # 50 more may be risked

    before = await state(api, token)
    for game in ("slotSpin", "diceRoll", "rpsPlay"):  # the crash loss counts in every game
        assert await play(api, token, game, 51) == {
            "__typename": "LossLimitReached",
            "code": "LOSS_LIMIT_REACHED",
            "limit": 150,
            "remaining": 50,
            "resetsAt": next_midnight(clock).isoformat(),
        }
    assert await state(api, token) == before  # nothing charged, no nonce, no ledger row

    assert (await play(api, token, "slotSpin", 50))["__typename"] == "SlotSpinSuccess"
    assert -sum(await lost_since(app, user_id, start)) <= 150
    await books_balance(app)


async def test_a_limit_of_zero_refuses_every_paid_play_but_not_a_free_one(api: Api) -> None:
    token = (await api.new_player())["accessToken"]
    await set_loss_limit(api, token, 0)
    for game in GAMES:
        answer = await play(api, token, game, 10)
        assert (answer["__typename"], answer["remaining"]) == ("LossLimitReached", 0), game
    gacha = await api.data(
        f"mutation {{ gachaPull(input: {{count: ONE, payWith: GOLD}}) {{ {REFUSAL} }} }}",
        token=token,
    )
    assert gacha["gachaPull"]["__typename"] == "LossLimitReached"
    # The day's free wheel spin risks nothing.
    wheel = await api.data("mutation { wheelSpin(input: {}) { __typename } }", token=token)
    assert wheel["wheelSpin"]["__typename"] == "WheelSpinSuccess"


async def test_the_day_turns_over_at_midnight(api: Api, app: Starlette, clock: FrozenClock) -> None:
    signed = await api.new_player()
    token = signed["accessToken"]
    await set_loss_limit(api, token, 150)
    assert (await play(api, token, "crashBet", 100))["__typename"] == "CrashBetPlaced"
    refused = await play(api, token, "slotSpin", 100)
    assert (refused["__typename"], refused["remaining"]) == ("LossLimitReached", 50)

    clock.advance(datetime.fromisoformat(refused["resetsAt"]) - clock.now())
    token = (await api.login(signed["user"]["siteId"]))["accessToken"]  # the old one expired
    assert (await play(api, token, "slotSpin", 100))["__typename"] == "SlotSpinSuccess"
    await books_balance(app)


async def test_removing_the_limit_waits_a_day_and_lowering_it_does_not(
    api: Api, clock: FrozenClock
) -> None:
    signed = await api.new_player()
    token = signed["accessToken"]
    await set_loss_limit(api, token, 0)
    removal = await set_loss_limit(api, token, None)
    applies_at = (clock.now() + timedelta(hours=24)).isoformat()
    assert removal == {"amount": 0, "pending": {"amount": None, "appliesAt": applies_at}}
    assert (await play(api, token, "slotSpin", 10))["__typename"] == "LossLimitReached"

    clock.advance(timedelta(hours=24))
    token = (await api.login(signed["user"]["siteId"]))["accessToken"]
    assert (await play(api, token, "slotSpin", 10))["__typename"] == "SlotSpinSuccess"
    assert await set_loss_limit(api, token, 5_000) == {"amount": 5_000, "pending": None}


@pytest.mark.parametrize("amount", [-1, 10**9 + 1])
async def test_an_impossible_limit_is_refused_and_changes_nothing(api: Api, amount: int) -> None:
    token = (await api.new_player())["accessToken"]
    result = (await api.data(SET, {"input": {"dailyLossGold": amount}}, token=token))["setLimits"]
    assert result == {
        "__typename": "ValidationFailed",
        "fields": [{"field": "dailyLossGold", "code": "INVALID_LIMIT"}],
    }
    assert (await play(api, token, "slotSpin", 10))["__typename"] == "SlotSpinSuccess"


@pytest.mark.parametrize("game", ["slotSpin", "gachaPull"])  # the instant and staged paths
async def test_twenty_bets_at_once_never_pass_the_limit(
    api: Api, app: Starlette, clock: FrozenClock, game: str
) -> None:
    """Each accepted bet must have fitted the room the bets before it left: replayed in
    ledger order, the day's loss before every stake plus the stake stays within the
    limit. Bets that read the day's loss before an earlier one wrote it would break this
    after the first losses (with room for two stakes, nearly certain within 20 bets)."""
    signed = await api.new_player()
    token, user_id = signed["accessToken"], signed["user"]["id"]
    start = clock.now()

    async def bet() -> str:
        if game == "gachaPull":
            body = await api.execute(GACHA_ONE, token=token)
        else:
            query = f"mutation P($stake: Gold!) {{ {GAMES[game]} {{ {REFUSAL} }} }}"
            body = await api.execute(query, {"stake": 10}, token=token)
        if error_codes(body) == ["SERVICE_UNAVAILABLE"]:
            # Redis slow to answer the rate-limit check under this burst (seen once in
            # CI): refused before anything was written, as a client would be told to
            # retry. The replay below holds either way.
            return "ServiceUnavailable"
        assert "errors" not in body, body
        name: str = body["data"][game]["__typename"]
        return name

    await grant_gold(app, user_id, 200_000)  # 20 pulls; an operator's gold is not play
    assert await bet() in ("SlotSpinSuccess", "GachaPullSuccess")  # tells what a bet costs
    rows = await lost_since(app, user_id, start)
    stake, lost_so_far = -rows[0], -sum(rows)
    limit = max(lost_so_far, 0) + 2 * stake
    await set_loss_limit(api, token, limit)
    names = await asyncio.gather(*(bet() for _ in range(20)))
    allowed = {"SlotSpinSuccess", "GachaPullSuccess", "LossLimitReached", "ServiceUnavailable"}
    assert set(names) <= allowed, names

    lost, accepted = 0, 0
    for amount in await lost_since(app, user_id, start):
        if amount < 0:  # a stake: it had to fit what the day had lost before it
            assert lost + stake <= limit, (lost, stake, limit)
            accepted += 1
        lost -= amount
    placed = sum(name.endswith("Success") for name in names)
    assert accepted == 1 + placed
    answered = sum(name != "ServiceUnavailable" for name in names)
    assert placed >= min(2, answered)  # the room held two stakes, whatever came before
    await books_balance(app)
