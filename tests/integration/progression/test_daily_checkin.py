"""The daily check-in (SPEC §8.1), on both backends: one claim per game day, the streak
over a month with gaps and streak protection, the rewards and XP it pays, attendance,
and the game day following GAME_TIMEZONE."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.applications import Starlette

from casino_club.clock import FrozenClock
from casino_club.persistence import gacha
from casino_club.persistence.driver import SessionStatements
from casino_club.services import Services
from tests.conftest import Backend, api_for, running_app
from tests.support import LEDGER, Api, books_balance, error_codes, row_id

CLAIM = """mutation { claimDailyReward { __typename
  ... on DailyRewardClaimed { day streak gold xp protectionsUsed balance level }
  ... on AlreadyClaimed { code availableAt }
  ... on PlayerExcluded { code until } } }"""
ME = "{ me { gold xp level dailyStreak } }"
ATTENDANCE = """query A($year: Int!, $month: Int!) { me { attendance(year: $year, month: $month) {
  year month days { day streak gold xp protectionsUsed } } } }"""


async def claim(api: Api, token: str) -> dict[str, Any]:
    result: dict[str, Any] = (await api.data(CLAIM, token=token))["claimDailyReward"]
    return result


async def give_protection(app: Starlette, user_id: str, count: int) -> None:
    services: Services = app.state.services
    async with services.unit_of_work() as uow:
        for _ in range(count):
            await gacha.add_items(
                SessionStatements(uow.session),
                row_id(user_id),
                [gacha.STREAK_PROTECTION],
                services.clock.now(),
            )
        await uow.commit()


async def held(app: Starlette, user_id: str) -> int:
    services: Services = app.state.services
    async with services.sessionmaker() as session:
        return await gacha.held(session, row_id(user_id), gacha.STREAK_PROTECTION)


def reward(streak: int) -> tuple[int, int]:
    """SPEC §8.1, written out again: gold and XP for a claim that makes `streak`."""
    capped = min(streak, 30)
    return 1000 + 200 * capped, 50 + 25 * capped


async def test_a_month_of_claims_with_gaps_and_streak_protection(
    api: Api, app: Starlette, clock: FrozenClock
) -> None:
    # Noon on the first of a month well ahead: the whole run stays in one month.
    now = clock.now()
    first = datetime(now.year + 2, 3, 1, 12, tzinfo=UTC)
    clock.advance(first - now)
    signed = await api.new_player()
    site_id, user_id = signed["user"]["siteId"], signed["user"]["id"]
    # Day of the month → (streak expected, protection items given just before).
    plan = {1: 1, 2: 2, 3: 3, 5: 1, 6: 2, 7: 3, 9: 4, 12: 1, 13: 2}
    gifts = {9: 1, 12: 1}  # day 8 is covered by one item; days 10-11 need two, one is held
    gold, xp = 1_000, 0
    token = signed["accessToken"]
    for day in range(1, 14):
        clock.advance(first + timedelta(days=day - 1) - clock.now())
        token = (await api.login(site_id))["accessToken"]
        me = (await api.data(ME, token=token))["me"]
        # The streak as it stands before today's claim: alive if yesterday was claimed.
        assert me["dailyStreak"] == plan.get(day - 1, 0), day
        if day not in plan:
            continue
        await give_protection(app, user_id, gifts.get(day, 0))
        result = await claim(api, token)
        streak = plan[day]
        paid, earned = reward(streak)
        gold, xp = gold + paid, xp + earned
        assert result == {
            "__typename": "DailyRewardClaimed",
            "day": (first + timedelta(days=day - 1)).date().isoformat(),
            "streak": streak,
            "gold": paid,
            "xp": earned,
            "protectionsUsed": 1 if day == 9 else 0,
            "balance": gold,
            "level": xp // 500 + 1,
        }, day
        assert (await api.data(ME, token=token))["me"] == {
            "gold": gold,
            "xp": xp,
            "level": xp // 500 + 1,
            "dailyStreak": streak,
        }
        again = await claim(api, token)
        assert again == {
            "__typename": "AlreadyClaimed",
            "code": "ALREADY_CLAIMED",
            "availableAt": (first + timedelta(days=day, hours=-12)).isoformat(),
        }
    # The item given on day 12 could not save a two-day gap, so it was not spent.
    assert await held(app, user_id) == 1
    month = (await api.data(ATTENDANCE, {"year": first.year, "month": 3}, token=token))["me"]
    days = month["attendance"]["days"]
    assert [int(d["day"][-2:]) for d in days] == sorted(plan)
    assert [d["streak"] for d in days] == [plan[day] for day in sorted(plan)]
    assert sum(d["gold"] for d in days) == gold - 1_000
    empty = (await api.data(ATTENDANCE, {"year": first.year, "month": 2}, token=token))["me"]
    assert empty["attendance"] == {"year": first.year, "month": 2, "days": []}
    rewards = [
        e["node"]["amount"]
        for e in (await api.data(LEDGER, token=token))["me"]["ledger"]["edges"]
        if e["node"]["reason"] == "DAILY_REWARD"
    ]
    assert sum(rewards) == gold - 1_000 and len(rewards) == len(plan)
    await books_balance(app)


async def test_the_game_day_turns_at_midnight_in_the_game_time_zone(backend: Backend) -> None:
    """Asia/Seoul is UTC+9: 23:45 and 00:05 there are one UTC day but two game days."""
    settings = backend.settings(game_timezone="Asia/Seoul")
    clock = FrozenClock(datetime(2031, 6, 10, 14, 45, tzinfo=UTC))  # 23:45 in Seoul
    async with running_app(settings, clock) as app, api_for(app) as api:
        token = (await api.new_player())["accessToken"]
        first = await claim(api, token)
        assert (first["day"], first["streak"]) == ("2031-06-10", 1)
        again = await claim(api, token)
        assert again["availableAt"] == "2031-06-10T15:00:00+00:00"  # midnight in Seoul
        clock.advance(timedelta(minutes=20))  # 00:05 in Seoul, still the 10th in UTC
        second = await claim(api, token)
        assert (second["day"], second["streak"]) == ("2031-06-11", 2)


async def test_twenty_claims_at_once_pay_once(api: Api, app: Starlette) -> None:
    token = (await api.new_player())["accessToken"]
    results = await asyncio.gather(*(claim(api, token) for _ in range(20)))
    kinds = sorted(r["__typename"] for r in results)
    assert kinds == ["AlreadyClaimed"] * 19 + ["DailyRewardClaimed"]
    assert (await api.data(ME, token=token))["me"]["gold"] == 1_000 + reward(1)[0]
    await books_balance(app)


async def test_a_player_on_a_break_claims_nothing(api: Api, clock: FrozenClock) -> None:
    token = (await api.new_player())["accessToken"]
    start = """mutation { startCoolOff(input: {kind: COOL_OFF_24_HOURS}) { __typename } }"""
    await api.data(start, token=token)
    result = await claim(api, token)
    until = (clock.now() + timedelta(hours=24)).isoformat()
    assert result == {"__typename": "PlayerExcluded", "code": "PLAYER_EXCLUDED", "until": until}
    assert (await api.data(ME, token=token))["me"]["gold"] == 1_000


async def test_attendance_of_an_impossible_month_is_bad_input(api: Api) -> None:
    token = (await api.new_player())["accessToken"]
    for year, month in ((2026, 13), (2026, 0), (1999, 5), (3000, 1)):
        body = await api.execute(ATTENDANCE, {"year": year, "month": month}, token=token)
        assert error_codes(body) == ["BAD_USER_INPUT"], (year, month)
