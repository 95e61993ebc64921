"""Missions (SPEC §8.3): every game, purchases and check-ins count in their own
transaction; the action that reaches a target completes it; a claim pays once per
period; daily and weekly missions reset at the game day's and the game week's start."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from starlette.applications import Starlette

from casino_club.clock import FrozenClock
from casino_club.domain import crash
from casino_club.domain.ledger import PLAY_REASONS
from casino_club.domain.missions import Mission, MissionEvent, MissionPeriod
from casino_club.persistence.models import Mission as MissionRow
from casino_club.persistence.models import MissionProgress
from casino_club.resolvers.missions import purge_old_progress
from casino_club.services import Services
from tests.conftest import Backend, api_for, running_app
from tests.integration.crash.test_rounds import at_round_time, cash_out, open_round
from tests.integration.shop.support import buy
from tests.support import (
    LEDGER,
    Api,
    books_balance,
    events_during,
    grant_gold,
    missions_in_play,
    node_id,
    row_id,
    spin,
)

MISSIONS = """{ missions { mission { id key period event target rewardGold rewardXp }
  progress target completed claimed locked resetsAt } }"""
CLAIM = """mutation C($input: ClaimMissionRewardInput!) { claimMissionReward(input: $input) {
  __typename
  ... on MissionRewardClaimed { gold xp balance level mission { id } }
  ... on MissionNotComplete { code progress target }
  ... on AlreadyClaimed { code availableAt }
  ... on MissionNotFound { code }
  ... on PlayerExcluded { code until } } }"""
CHECK_IN = "mutation { claimDailyReward { __typename } }"
ME = "{ me { gold xp level } }"
FAR = 10**9  # a target no test reaches: the mission only counts


def daily(key: str, event: MissionEvent, target: int = FAR, **more: Any) -> Mission:
    return Mission(key, key, MissionPeriod.DAILY, event, target, 100, 10, **more)


async def progress_of(api: Api, token: str, ids: dict[str, int]) -> dict[str, dict[str, Any]]:
    """The player's missions among `ids`, by the key they were given."""
    keys = {str(mission_id): key for key, mission_id in ids.items()}
    listed = (await api.data(MISSIONS, token=token))["missions"]
    return {keys[m["mission"]["id"]]: m for m in listed if m["mission"]["id"] in keys}


async def claim(api: Api, token: str, mission_id: int | str) -> dict[str, Any]:
    variables = {"input": {"missionId": node_id("Mission", mission_id)}}
    result: dict[str, Any] = (await api.data(CLAIM, variables, token=token))["claimMissionReward"]
    return result


async def ledger_of(api: Api, token: str) -> list[dict[str, Any]]:
    return [e["node"] for e in (await api.data(LEDGER, token=token))["me"]["ledger"]["edges"]]


EVERY_EVENT = (
    *(daily(event.value.lower(), event) for event in MissionEvent),
    daily("cashout_120", MissionEvent.CRASH_CASHOUT, min_multiplier=120),
    daily("cashout_200", MissionEvent.CRASH_CASHOUT, min_multiplier=200),
)
HISTORY = """{ me { history(first: 100) { edges { node { game stake payout } } } } }"""


async def test_every_game_purchases_and_check_ins_count_what_they_did(
    api: Api, app: Starlette, clock: FrozenClock
) -> None:
    """Each event's mission equals a recount from history and the ledger after one of
    everything: a slot spin, dice, RPS, a ten-pull and a single pull, the free wheel
    spin, crash bets and a cash-out at 1.5×, a purchase (and a declined one), a check-in."""
    services: Services = app.state.services
    signed = await api.new_player()
    token = signed["accessToken"]
    await grant_gold(app, signed["user"]["id"], 100_000)
    async with missions_in_play(app, *EVERY_EVENT) as ids:
        for _ in range(5):
            assert (await spin(api, token, 200))["__typename"] == "SlotSpinSuccess"
        for play in (
            "diceRoll(input: {stake: 150, chance: 50, direction: UNDER})",
            "diceRoll(input: {stake: 150, chance: 50, direction: OVER})",
            "rpsPlay(input: {stake: 120, move: PAPER})",
            "rpsPlay(input: {stake: 120, move: ROCK})",
            "gachaPull(input: {count: TEN, payWith: GOLD})",
            "gachaPull(input: {count: ONE, payWith: GOLD})",
            "wheelSpin(input: {})",
        ):
            answer = await api.data(f"mutation {{ {play} {{ __typename }} }}", token=token)
            assert next(iter(answer.values()))["__typename"].endswith("Success"), answer
        row = await open_round(api, services, clock, token, at_least=200, stake=100)
        at_round_time(clock, row, crash.reach_ms(150))
        assert (await cash_out(api, token, node_id("CrashRound", row.id)))[
            "__typename"
        ] == "CrashCashedOut"
        assert (await buy(api, token))["__typename"] == "PurchaseSucceeded"
        assert (await buy(api, token, card="tok_declined"))["__typename"] == "PaymentDeclined"
        assert (await api.data(CHECK_IN, token=token))["claimDailyReward"]["__typename"] == (
            "DailyRewardClaimed"
        )

        shown = await progress_of(api, token, ids)
        history = [
            e["node"] for e in (await api.data(HISTORY, token=token))["me"]["history"]["edges"]
        ]
        ledger = await ledger_of(api, token)
    plays = Counter(play["game"] for play in history)
    wins = Counter(play["game"] for play in history if play["payout"] > play["stake"])
    reasons = Counter(entry["reason"] for entry in ledger)
    costs = {reasons.cost.value for reasons in PLAY_REASONS.values()}
    expected = {
        "SLOT_SPIN": plays["SLOTS"],
        "SLOT_WIN": wins["SLOTS"],
        "GACHA_PULL": 11,
        "CRASH_BET": reasons["CRASH_BET"],
        "CRASH_CASHOUT": 1,
        "CASHOUT_120": 1,
        "CASHOUT_200": 0,
        "RPS_PLAY": plays["RPS"],
        "RPS_WIN": wins["RPS"],
        "DICE_ROLL": plays["DICE"],
        "DICE_WIN": wins["DICE"],
        "WHEEL_SPIN": plays["WHEEL"],
        "GOLD_STAKED": -sum(e["amount"] for e in ledger if e["reason"] in costs),
        "PURCHASE": 1,
        "DAILY_CHECKIN": 1,
    }
    assert {key.upper(): mission["progress"] for key, mission in shown.items()} == expected
    assert (plays["SLOTS"], plays["DICE"], plays["RPS"], plays["WHEEL"]) == (5, 2, 2, 1)
    assert reasons["CRASH_BET"] >= 1 and expected["GOLD_STAKED"] > 1_000
    await books_balance(app)


async def test_the_action_that_reaches_the_target_completes_it(api: Api, app: Starlette) -> None:
    """Progress moves only with an action that happened: a refused spin (short of gold)
    and a replayed one (same idempotency key) count nothing; the spin that reaches the
    target publishes MISSION_PROGRESS then MISSION_COMPLETED, after its balance events."""
    signed = await api.new_player()
    token, user_id = signed["accessToken"], row_id(signed["user"]["id"])
    async with missions_in_play(app, daily("three", MissionEvent.SLOT_SPIN, 3)) as ids:
        assert (await spin(api, token, 10, key="k1"))["__typename"] == "SlotSpinSuccess"
        assert (await spin(api, token, 10, key="k1"))["replayed"] is True
        short = await spin(api, token, 5_000)
        assert short["__typename"] == "InsufficientFunds"
        assert (await progress_of(api, token, ids))["three"]["progress"] == 1
        assert (await spin(api, token, 10))["__typename"] == "SlotSpinSuccess"
        reached: dict[str, Any] = {}

        async def the_third_spin() -> None:
            reached.update(await spin(api, token, 10))

        received = await events_during(app, user_id, the_third_spin, "MISSION_COMPLETED")
        assert reached["__typename"] == "SlotSpinSuccess"
        shown = (await progress_of(api, token, ids))["three"]
        again = await spin(api, token, 10)  # past the target: the row stays as it is
        after = (await progress_of(api, token, ids))["three"]
    assert (shown["progress"], shown["target"], shown["completed"]) == (3, 3, True)
    assert after == shown and again["__typename"] == "SlotSpinSuccess"
    mission = str(ids["three"])
    types = [e.get("type", e["kind"]) for e in received]
    assert types[0] == "balance" and "SLOT_SPIN" in types
    ours = [
        (e["type"], e["data"]["progress"], e["data"]["target"])
        for e in received
        if e.get("data", {}).get("missionId") == mission
    ]
    # The subscription may also see the previous spin's events, still on their way.
    assert ours[-2:] == [("MISSION_PROGRESS", 3, 3), ("MISSION_COMPLETED", 3, 3)]
    assert set(ours[:-2]) <= {("MISSION_PROGRESS", 2, 3)}


async def test_twenty_claims_at_once_pay_once(api: Api, app: Starlette) -> None:
    signed = await api.new_player()
    token = signed["accessToken"]
    mission = Mission("once", "once", MissionPeriod.ONCE, MissionEvent.SLOT_SPIN, 1, 777, 10)
    async with missions_in_play(app, mission) as ids:
        assert (await spin(api, token, 10))["__typename"] == "SlotSpinSuccess"
        results = await asyncio.gather(*(claim(api, token, ids["once"]) for _ in range(20)))
        ledger = await ledger_of(api, token)
    kinds = Counter(result["__typename"] for result in results)
    assert kinds == {"MissionRewardClaimed": 1, "AlreadyClaimed": 19}
    assert {r["availableAt"] for r in results if r["__typename"] == "AlreadyClaimed"} == {None}
    rewards = [e for e in ledger if e["reason"] == "MISSION_REWARD"]
    assert [e["amount"] for e in rewards] == [777]
    await books_balance(app)


async def test_a_claim_pays_gold_and_xp_and_its_errors_change_nothing(
    api: Api, app: Starlette
) -> None:
    signed = await api.new_player()
    token = signed["accessToken"]
    mission = Mission("pays", "pays", MissionPeriod.DAILY, MissionEvent.SLOT_SPIN, 2, 1_500, 600)
    async with missions_in_play(app, mission) as ids:
        assert (await spin(api, token, 10))["__typename"] == "SlotSpinSuccess"
        before = (await api.data(ME, token=token))["me"]
        early = await claim(api, token, ids["pays"])
        for unknown in ("0", "abc", "99999999999999999999", str(ids["pays"] + 10_000)):
            assert (await claim(api, token, unknown))["code"] == "MISSION_NOT_FOUND"
        assert (await api.data(ME, token=token))["me"] == before
        assert (await spin(api, token, 10))["__typename"] == "SlotSpinSuccess"
        middle = (await api.data(ME, token=token))["me"]
        paid = await claim(api, token, ids["pays"])
        after = (await api.data(ME, token=token))["me"]
        shown = (await progress_of(api, token, ids))["pays"]
    assert early == {
        "__typename": "MissionNotComplete",
        "code": "MISSION_NOT_COMPLETE",
        "progress": 1,
        "target": 2,
    }
    assert paid["__typename"] == "MissionRewardClaimed"
    assert (paid["gold"], paid["xp"], paid["balance"]) == (1_500, 600, middle["gold"] + 1_500)
    assert (after["gold"], after["xp"]) == (middle["gold"] + 1_500, middle["xp"] + 600)
    assert paid["level"] == after["level"] == middle["level"] + 1
    assert (shown["completed"], shown["claimed"]) == (True, True)
    await books_balance(app)


async def test_a_deactivated_mission_neither_counts_nor_pays_until_reactivated(
    api: Api, app: Starlette
) -> None:
    services: Services = app.state.services
    signed = await api.new_player()
    token = signed["accessToken"]

    async def switch(mission_id: int, active: bool) -> None:
        async with services.unit_of_work() as uow:
            row = await uow.session.get(MissionRow, mission_id)
            assert row is not None
            row.active = active
            await uow.commit()

    async with missions_in_play(app, daily("off", MissionEvent.SLOT_SPIN, 3)) as ids:
        assert (await spin(api, token, 10))["__typename"] == "SlotSpinSuccess"
        await switch(ids["off"], False)
        hidden = await progress_of(api, token, ids)
        refused = await claim(api, token, ids["off"])
        assert (await spin(api, token, 10))["__typename"] == "SlotSpinSuccess"
        await switch(ids["off"], True)
        back = (await progress_of(api, token, ids))["off"]
    assert hidden == {} and refused["code"] == "MISSION_NOT_FOUND"
    assert back["progress"] == 1  # the spin while it was off counted nothing


async def test_a_player_on_a_break_claims_nothing(api: Api, app: Starlette) -> None:
    token = (await api.new_player())["accessToken"]
    async with missions_in_play(app, daily("done", MissionEvent.SLOT_SPIN, 1)) as ids:
        assert (await spin(api, token, 10))["__typename"] == "SlotSpinSuccess"
        start = "mutation { startCoolOff(input: {kind: COOL_OFF_24_HOURS}) { __typename } }"
        await api.data(start, token=token)
        before = (await api.data(ME, token=token))["me"]
        refused = await claim(api, token, ids["done"])
        after = (await api.data(ME, token=token))["me"]
        shown = (await progress_of(api, token, ids))["done"]
    assert refused["__typename"] == "PlayerExcluded"
    assert after == before and (shown["completed"], shown["claimed"]) == (True, False)


async def test_a_mission_above_the_players_level_is_locked_and_counts_nothing(
    api: Api, app: Starlette
) -> None:
    signed = await api.new_player()
    token = signed["accessToken"]
    gated = daily("gated", MissionEvent.SLOT_SPIN, 5, min_level=2)
    async with missions_in_play(app, gated) as ids:
        assert (await spin(api, token, 10))["__typename"] == "SlotSpinSuccess"
        locked = (await progress_of(api, token, ids))["gated"]
        await grant_gold(app, signed["user"]["id"], 100_000)
        # 500 XP is level 2: staking 50,000 gold earns it; the spin that does counts at
        # the level it started from, the next one counts.
        assert (await spin(api, token, 50_000))["__typename"] == "SlotSpinSuccess"
        reached = (await progress_of(api, token, ids))["gated"]
        assert (await spin(api, token, 10))["__typename"] == "SlotSpinSuccess"
        counted = (await progress_of(api, token, ids))["gated"]
    assert (locked["locked"], locked["progress"]) == (True, 0)
    assert (reached["locked"], reached["progress"]) == (False, 0)
    assert counted["progress"] == 1


async def test_daily_and_weekly_missions_reset_at_the_game_days_midnight(
    backend: Backend,
) -> None:
    """Asia/Seoul (UTC+9): Sunday 2031-06-15 23:50 there is 14:50 UTC. Past midnight the
    daily mission starts again (its claim reopens), the weekly one too (Monday), and a
    ONCE mission keeps its claim."""
    settings = backend.settings(game_timezone="Asia/Seoul", game_rate_limit_per_second=100_000)
    clock = FrozenClock(datetime(2031, 6, 15, 14, 50, tzinfo=UTC))
    kinds = [
        Mission(period.value.lower(), period.value, period, MissionEvent.SLOT_SPIN, 1, 10, 1)
        for period in MissionPeriod
    ]
    async with running_app(settings, clock) as app, api_for(app) as api:
        token = (await api.new_player())["accessToken"]
        async with missions_in_play(app, *kinds) as ids:
            assert (await spin(api, token, 10))["__typename"] == "SlotSpinSuccess"
            for key in ids:
                assert (await claim(api, token, ids[key]))["__typename"] == "MissionRewardClaimed"
            sunday = await progress_of(api, token, ids)
            again = {key: await claim(api, token, ids[key]) for key in ids}
            clock.advance(timedelta(minutes=15))  # Monday 00:05 in Seoul, still Sunday in UTC
            monday = await progress_of(api, token, ids)
            reopened = await claim(api, token, ids["daily"])
            assert (await spin(api, token, 10))["__typename"] == "SlotSpinSuccess"
            counted = await progress_of(api, token, ids)
    midnight = "2031-06-15T15:00:00+00:00"
    assert sunday["daily"]["resetsAt"] == midnight and sunday["weekly"]["resetsAt"] == midnight
    assert sunday["once"]["resetsAt"] is None
    assert {key: answer["availableAt"] for key, answer in again.items()} == {
        "daily": midnight,
        "weekly": midnight,
        "once": None,
    }
    assert {key: (m["progress"], m["claimed"]) for key, m in monday.items()} == {
        "daily": (0, False),
        "weekly": (0, False),
        "once": (1, True),
    }
    assert monday["daily"]["resetsAt"] == "2031-06-16T15:00:00+00:00"
    assert monday["weekly"]["resetsAt"] == "2031-06-22T15:00:00+00:00"
    assert reopened["__typename"] == "MissionNotComplete"
    assert {key: m["completed"] for key, m in counted.items()} == {
        "daily": True,
        "weekly": True,
        "once": True,
    }


async def test_housekeeping_deletes_progress_of_periods_long_over(
    api: Api, app: Starlette, clock: FrozenClock
) -> None:
    """Daily and weekly progress goes 14 days after its period began; ONCE progress (its
    claim is forever) and recent periods stay."""
    services: Services = app.state.services
    signed = await api.new_player()
    token, user_id = signed["accessToken"], row_id(signed["user"]["id"])
    kinds = [
        Mission(period.value.lower(), period.value, period, MissionEvent.SLOT_SPIN, 9, 10, 1)
        for period in MissionPeriod
    ]
    async with missions_in_play(app, *kinds) as ids:
        assert (await spin(api, token, 10))["__typename"] == "SlotSpinSuccess"
        clock.advance(timedelta(days=22))  # past every kept period
        token = (await api.login(signed["user"]["siteId"]))["accessToken"]
        assert (await spin(api, token, 10))["__typename"] == "SlotSpinSuccess"
        await purge_old_progress(services)
        async with services.sessionmaker() as session:
            rows = (
                await session.execute(
                    select(MissionProgress.mission_id, MissionProgress.progress).where(
                        MissionProgress.user_id == user_id,
                        MissionProgress.mission_id.in_(ids.values()),
                    )
                )
            ).all()
    assert sorted(rows) == sorted([(ids["daily"], 1), (ids["weekly"], 1), (ids["once"], 2)])
