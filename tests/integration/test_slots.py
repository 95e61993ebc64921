"""Slots through the real schema (SPEC §6.2): money, history, fairness, bad stakes, rate limit."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from starlette.applications import Starlette

from casino_club.clock import FrozenClock
from casino_club.config import Settings
from casino_club.domain import slots
from casino_club.jobs import purge_expired_idempotency_keys
from casino_club.persistence.models import GameRound, IdempotencyKey, LedgerEntry
from casino_club.services import Services
from tests.conftest import api_for, running_app
from tests.support import (
    FAIRNESS,
    LEDGER,
    SPIN,
    Api,
    books_balance,
    error_codes,
    grant_gold,
    row_id,
    spin,
)


async def player(api: Api) -> tuple[str, str]:
    created = await api.new_player()
    return created["accessToken"], created["user"]["id"]


async def snapshot(api: Api, app: Starlette, token: str, user_id: str) -> dict[str, Any]:
    me = (await api.data(FAIRNESS, token=token))["me"]
    services: Services = app.state.services
    async with services.sessionmaker() as session:
        ledger_rows = await session.scalar(
            select(func.count())
            .select_from(LedgerEntry)
            .where(LedgerEntry.user_id == row_id(user_id))
        )
        rounds = await session.scalar(
            select(func.count()).select_from(GameRound).where(GameRound.user_id == row_id(user_id))
        )
    return {
        "gold": me["gold"],
        "nonce": me["fairness"]["nonce"],
        "ledger": ledger_rows,
        "rounds": rounds,
    }


async def test_a_spin_moves_gold_through_the_ledger_and_records_history(
    api: Api, app: Starlette
) -> None:
    token, user_id = await player(api)
    before = await snapshot(api, app, token, user_id)
    result = await spin(api, token, 100)
    assert result["__typename"] == "SlotSpinSuccess"
    assert result["balance"] == 1000 - 100 + result["payout"]
    assert result["fairness"]["nonce"] == 0
    after = await snapshot(api, app, token, user_id)
    assert after["gold"] == result["balance"]
    assert after["nonce"] == 1
    assert after["rounds"] == before["rounds"] + 1
    assert after["ledger"] == before["ledger"] + (2 if result["payout"] else 1)
    ledger = (await api.data(LEDGER, token=token))["me"]["ledger"]["edges"]
    reasons = [edge["node"]["reason"] for edge in ledger]
    assert reasons[-1] == "SIGNUP_BONUS"
    assert "SLOT_BET" in reasons
    bet = next(edge["node"] for edge in ledger if edge["node"]["reason"] == "SLOT_BET")
    assert bet["amount"] == -100
    history = await api.data(
        "{ me { history(first: 5, game: SLOTS) { edges { node {"
        " id game stake payout outcome fairness { nonce } } } } } }",
        token=token,
    )
    node = history["me"]["history"]["edges"][0]["node"]
    assert (node["id"], node["stake"], node["payout"]) == (result["roundId"], 100, result["payout"])
    assert node["outcome"]["reels"] == result["reels"]


@pytest.mark.parametrize(
    ("stake", "expected"),
    [
        (0, "InvalidStake"),
        (-5, "InvalidStake"),
        (9, "InvalidStake"),
        (100_001, "InvalidStake"),
        ("1000000000000", "InvalidStake"),
    ],
)
async def test_out_of_range_stakes_change_nothing(
    api: Api, app: Starlette, stake: object, expected: str
) -> None:
    token, user_id = await player(api)
    before = await snapshot(api, app, token, user_id)
    result = await spin(api, token, stake)
    assert result["__typename"] == expected
    assert (result["minStake"], result["maxStake"]) == (10, 100_000)
    assert await snapshot(api, app, token, user_id) == before


@pytest.mark.parametrize("stake", [10.5, "ten", True, None, 2**60])
async def test_non_integer_stakes_are_refused_by_the_gold_type(
    api: Api, app: Starlette, stake: object
) -> None:
    token, user_id = await player(api)
    before = await snapshot(api, app, token, user_id)
    body = await api.execute(SPIN, {"input": {"stake": stake}}, token=token)
    assert body["data"] is None
    assert "Variable '$input'" in body["errors"][0]["message"]
    assert await snapshot(api, app, token, user_id) == before


async def test_stake_above_balance_is_insufficient_funds_and_changes_nothing(
    api: Api, app: Starlette
) -> None:
    token, user_id = await player(api)
    before = await snapshot(api, app, token, user_id)
    result = await spin(api, token, 1001)
    assert (result["__typename"], result["required"], result["balance"]) == (
        "InsufficientFunds",
        1001,
        1000,
    )
    assert await snapshot(api, app, token, user_id) == before


async def test_spinning_needs_authentication(api: Api) -> None:
    assert error_codes(await api.execute(SPIN, {"input": {"stake": 10}})) == ["UNAUTHENTICATED"]


async def test_idempotency_key_replays_the_first_result(api: Api, app: Starlette) -> None:
    token, user_id = await player(api)
    first = await spin(api, token, 50, key="spin-1")
    before = await snapshot(api, app, token, user_id)
    again = await spin(api, token, 50, key="spin-1")
    assert again["replayed"] is True
    assert {k: v for k, v in again.items() if k != "replayed"} == {
        k: v for k, v in first.items() if k != "replayed"
    }
    assert await snapshot(api, app, token, user_id) == before
    other = await spin(api, token, 60, key="spin-1")
    assert other["__typename"] == "IdempotencyKeyReused"
    assert await snapshot(api, app, token, user_id) == before
    too_long = await spin(api, token, 50, key="k" * 256)
    assert too_long["__typename"] == "ValidationFailed"


async def test_a_refused_spin_releases_its_key(api: Api) -> None:
    token, _ = await player(api)
    refused = await spin(api, token, 5000, key="retry-me")
    assert refused["__typename"] == "InsufficientFunds"
    assert (await spin(api, token, 50, key="retry-me"))["__typename"] == "SlotSpinSuccess"


async def test_concurrent_duplicates_of_one_key_spin_once(api: Api, app: Starlette) -> None:
    token, user_id = await player(api)
    results = await asyncio.gather(*(spin(api, token, 20, key="same") for _ in range(10)))
    kinds = Counter(r["__typename"] for r in results)
    assert set(kinds) <= {"SlotSpinSuccess", "IdempotencyKeyInUse"}
    fresh = [r for r in results if r["__typename"] == "SlotSpinSuccess" and not r["replayed"]]
    assert len(fresh) == 1
    after = await snapshot(api, app, token, user_id)
    assert after["nonce"] == 1
    assert after["rounds"] == 1


async def test_rate_limit_is_ten_spins_per_second(api: Api, clock: FrozenClock) -> None:
    token, _ = await player(api)
    for _ in range(10):
        assert (await spin(api, token, 10))["__typename"] == "SlotSpinSuccess"
    limited = await spin(api, token, 10)
    assert limited["__typename"] == "RateLimited"
    assert limited["retryAfterMs"] == 1000
    clock.advance(timedelta(milliseconds=400))
    assert (await spin(api, token, 10))["retryAfterMs"] == 600
    clock.advance(timedelta(milliseconds=600))
    assert (await spin(api, token, 10))["__typename"] == "SlotSpinSuccess"


async def test_win_streak_counts_consecutive_wins(api: Api, settings: Any) -> None:
    """Every spin's streak follows from the previous one by the domain rule."""
    token, _ = await player(api)
    previous = 0
    for _ in range(10):
        result = await spin(api, token, 10)
        if result["multiplier"] > 1:
            assert result["winStreak"] == previous + 1
            assert result["bonusPercent"] == min(5 * previous, 20)
        elif result["multiplier"] == 1:
            assert result["winStreak"] == previous
        else:
            assert result["winStreak"] == 0
        previous = result["winStreak"]


async def test_slots_config_publishes_the_exact_rtp(api: Api) -> None:
    config = (
        await api.data(
            "{ slotsConfig { rtp rtpExact hitFrequency minStake maxStake"
            " symbols { symbol weight } pays { multiplier } } }"
        )
    )["slotsConfig"]
    numerator, denominator = (int(x) for x in config["rtpExact"].split("/"))
    assert abs(config["rtp"] - numerator / denominator) < 1e-12
    assert 0.94 <= config["rtp"] <= 0.96
    assert {s["symbol"]: s["weight"] for s in config["symbols"]}["SEVEN"] == 1
    assert (config["minStake"], config["maxStake"]) == (10, 100_000)


async def test_expired_idempotency_keys_are_purged(
    api: Api, app: Starlette, clock: FrozenClock
) -> None:
    created = await api.new_player()
    user_id = created["user"]["id"]
    await spin(api, created["accessToken"], 10, key="old-key")
    clock.advance(timedelta(hours=1))
    token = (await api.login(created["user"]["siteId"]))["accessToken"]  # the first expired
    await spin(api, token, 10, key="new-key")
    services: Services = app.state.services
    clock.advance(timedelta(hours=23, minutes=30))  # old-key is 24.5 h old, new-key 23.5 h
    assert await purge_expired_idempotency_keys(services) >= 1
    async with services.sessionmaker() as session:
        keys = set(
            (
                await session.scalars(
                    select(IdempotencyKey.key).where(IdempotencyKey.user_id == row_id(user_id))
                )
            ).all()
        )
    assert keys == {"new-key"}


async def test_simultaneous_spins_each_see_the_streak_the_previous_one_left(
    settings: Settings, clock: FrozenClock
) -> None:
    """The streak is read and written under the seed row's lock, in the spin's
    transaction: replaying the history in nonce order gives every spin's bonus.

    Cherries are weighted so heavily that most spins win (P(🍒🍒🍒) ≈ 0.77): long streaks
    and many win-after-win pairs, where a shared or overwritten streak would show."""
    heavy = settings.model_copy(
        update={"slot_symbol_weights": {"CHERRY": 1000}, "game_rate_limit_per_second": 1000}
    )
    async with running_app(heavy, clock) as application, api_for(application) as api:
        created = await api.new_player()
        token, user_id = created["accessToken"], row_id(created["user"]["id"])
        await grant_gold(application, created["user"]["id"], 100_000)
        results = await asyncio.gather(*(spin(api, token, 20) for _ in range(40)))
        assert {r["__typename"] for r in results} == {"SlotSpinSuccess"}
        services: Services = application.state.services
        async with services.sessionmaker() as session:
            rounds = (
                await session.scalars(
                    select(GameRound).where(GameRound.user_id == user_id).order_by(GameRound.nonce)
                )
            ).all()
        assert [r.nonce for r in rounds] == list(range(40))
        streak = 0
        bonuses = 0
        for row in rounds:
            outcome = json.loads(row.outcome)
            reels = tuple(slots.Symbol(name) for name in outcome["reels"])
            expected = slots.settle(20, reels, streak, services.slot_paytable)  # type: ignore[arg-type]
            assert (row.payout, outcome["winStreak"], outcome["bonusPercent"]) == (
                expected.payout,
                expected.win_streak,
                expected.bonus_percent,
            )
            bonuses += expected.bonus_percent > 0
            streak = expected.win_streak
        assert bonuses > 0  # the check above covered spins that depend on the streak
        by_nonce = {r["fairness"]["nonce"]: r for r in results}
        assert by_nonce[39]["winStreak"] == streak
        await books_balance(application)
