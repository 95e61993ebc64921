"""The economy report (SPEC §11), on both backends: the daily totals rolled up from the
ledger equal the ledger's own sums per game day and reason, however often and however
concurrently the rollup runs; each game's realised return sits beside the published one;
the inflation alarm is the last 7 game days' net issue against every wallet, in the
report and as a Prometheus gauge.

The database is shared by the tests of a backend and the rollup counts every player, so
this test plays on days far ahead of the others (its clock moved twenty years on) and
reads the report for those days only.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from starlette.applications import Starlette

from casino_club.clock import FrozenClock
from casino_club.domain.ledger import PLAY_REASONS
from casino_club.persistence.models import LedgerEntry, Wallet
from casino_club.resolvers import economy
from casino_club.services import Services
from tests.conftest import ADMIN_PASSWORD
from tests.support import Api, error_codes, spin

REPORT = """query E($first: Date!, $last: Date!) { economyReport(firstDay: $first, lastDay: $last) {
  firstDay lastDay timeZone completeAsOf issued sunk
  days { day issued sunk net reasons { reason issued sunk movements } }
  games { game paidPlays staked paid realisedRtp publishedRtp } } }"""
INFLATION = """query I($first: Date!) { economyReport(firstDay: $first, lastDay: $first) {
  inflation { issued sunk net circulation percent thresholdPercent alarm } } }"""
ADJUST = """mutation A($input: AdjustGoldInput!) { adjustGold(input: $input) { __typename } }"""
DICE = "mutation { diceRoll(input: {stake: 20, chance: 50, direction: OVER}) { __typename } }"
CONFIGS = "{ slotsConfig { rtp } diceConfig { rtp } rpsConfig { rtp } crashConfig { rtp } }"


async def ledger_flows(app: Starlette, first: datetime, last: datetime) -> dict[Any, Any]:
    """The ledger's own sums per UTC day and reason between two instants."""
    services: Services = app.state.services
    async with services.sessionmaker() as session:
        rows = await session.execute(
            select(LedgerEntry.amount, LedgerEntry.reason, LedgerEntry.created_at).where(
                LedgerEntry.created_at >= first, LedgerEntry.created_at < last
            )
        )
        flows: dict[Any, Any] = defaultdict(lambda: {"issued": 0, "sunk": 0, "movements": 0})
        for amount, reason, at in rows:
            flow = flows[(at.date().isoformat(), reason)]
            flow["issued"] += max(amount, 0)
            flow["sunk"] += max(-amount, 0)
            flow["movements"] += 1
        return dict(flows)


async def circulation(app: Starlette) -> int:
    services: Services = app.state.services
    async with services.sessionmaker() as session:
        return int(await session.scalar(select(func.sum(Wallet.gold))) or 0)


def gauge(metrics: str, name: str) -> float:
    [value] = [line.split()[1] for line in metrics.splitlines() if line.startswith(f"{name} ")]
    return float(value)


async def report(api: Api, token: str, first: date, last: date) -> dict[str, Any]:
    variables = {"first": first.isoformat(), "last": last.isoformat()}
    result: dict[str, Any] = (await api.data(REPORT, variables, token=token))["economyReport"]
    return result


def reported_flows(result: dict[str, Any]) -> dict[Any, Any]:
    return {
        (day["day"], flow["reason"]): {k: flow[k] for k in ("issued", "sunk", "movements")}
        for day in result["days"]
        for flow in day["reasons"]
    }


async def roll_up_fully(services: Services) -> None:
    """Two runs: the first notes the newest row, the second reads up to it."""
    await economy.roll_up(services)
    await economy.roll_up(services)


async def test_the_report_equals_the_ledger_per_day_and_reason(
    api: Api, app: Starlette, clock: FrozenClock, settings: Any
) -> None:
    services: Services = app.state.services
    midnight = clock.now().replace(hour=0, minute=0, second=0) + timedelta(days=365 * 20)
    clock.advance(midnight + timedelta(hours=9) - clock.now())
    day_one = clock.now().date()
    admin = (await api.login(settings.admin_site_id, ADMIN_PASSWORD))["accessToken"]
    players = [await api.new_player() for _ in range(2)]
    token, user_id = players[0]["accessToken"], players[0]["user"]["id"]
    for _ in range(5):
        assert (await spin(api, token, 10))["__typename"] == "SlotSpinSuccess"
    assert (await api.data(DICE, token=token))["diceRoll"]["__typename"] == "DiceRollSuccess"
    adjust = {"userId": user_id, "amount": -300, "reason": "test", "idempotencyKey": "e1"}
    assert (await api.data(ADJUST, {"input": adjust}, token=admin))["adjustGold"][
        "__typename"
    ] == "GoldAdjusted"
    await roll_up_fully(services)
    # Some rows land after the rollup noted the newest: later runs count them, once.
    clock.advance(timedelta(days=1))
    token = (await api.login(players[0]["user"]["siteId"]))["accessToken"]
    await asyncio.gather(*(spin(api, token, 10) for _ in range(3)))
    await asyncio.gather(*(economy.roll_up(services) for _ in range(5)))
    await roll_up_fully(services)
    await roll_up_fully(services)  # nothing new: nothing counted again

    first, last = day_one, day_one + timedelta(days=2)
    admin = (await api.login(settings.admin_site_id, ADMIN_PASSWORD))["accessToken"]
    result = await report(api, admin, first, last)
    expected = await ledger_flows(app, midnight, midnight + timedelta(days=3))
    assert reported_flows(result) == expected
    assert [day["day"] for day in result["days"]] == [
        (first + timedelta(days=n)).isoformat() for n in range(3)
    ]
    assert result["days"][2] == {
        "day": last.isoformat(),
        "issued": 0,
        "sunk": 0,
        "net": 0,
        "reasons": [],
    }
    for day in result["days"]:
        assert day["issued"] == sum(f["issued"] for f in day["reasons"])
        assert day["net"] == day["issued"] - day["sunk"]
    assert result["issued"] == sum(day["issued"] for day in result["days"])
    assert result["timeZone"] == "UTC"
    assert datetime.fromisoformat(result["completeAsOf"]) >= midnight

    games = {game["game"]: game for game in result["games"]}
    slots = games["SLOTS"]
    slot_bets = [f for (_, reason), f in expected.items() if reason == "SLOT_BET"]
    slot_wins = [f for (_, reason), f in expected.items() if reason == "SLOT_WIN"]
    assert slots["paidPlays"] == 8 and slots["staked"] == 80
    assert slots["paid"] == sum(f["issued"] for f in slot_wins)
    assert sum(f["sunk"] for f in slot_bets) == 80
    realised = slots["paid"] / 80
    assert slots["realisedRtp"] is not None and abs(slots["realisedRtp"] - realised) < 1e-9
    configs = await api.data(CONFIGS)
    assert slots["publishedRtp"] == configs["slotsConfig"]["rtp"]
    assert games["DICE"]["publishedRtp"] == configs["diceConfig"]["rtp"]
    assert (games["DICE"]["paidPlays"], games["DICE"]["staked"]) == (1, 20)
    assert games["GACHA"] == {
        "game": "GACHA",
        "paidPlays": 0,
        "staked": 0,
        "paid": 0,
        "realisedRtp": None,
        "publishedRtp": None,
    }
    assert set(games) == {game.value for game in PLAY_REASONS}

    # The inflation alarm: the 7 game days to today (the test's two) against every wallet.
    inflation = (await api.data(INFLATION, {"first": first.isoformat()}, token=admin))[
        "economyReport"
    ]["inflation"]
    issued = sum(flow["issued"] for flow in expected.values())
    sunk = sum(flow["sunk"] for flow in expected.values())
    held = await circulation(app)
    percent = round(100 * (issued - sunk) / held, 2)
    assert inflation == {
        "issued": issued,
        "sunk": sunk,
        "net": issued - sunk,
        "circulation": held,
        "percent": percent,
        "thresholdPercent": 15.0,
        "alarm": percent > 15.0,
    }
    # The last rollup exported the same, for an alert rule.
    metrics = (await api.client.get("/metrics")).text
    assert gauge(metrics, "economy_inflation_percent") == percent
    assert gauge(metrics, "economy_inflation_alarm") == (1.0 if percent > 15.0 else 0.0)


async def test_an_impossible_range_is_bad_user_input(api: Api, admin_token: str) -> None:
    today = date(2026, 11, 23)
    for first, last in ((today, today - timedelta(days=1)), (today, today + timedelta(days=92))):
        variables = {"first": first.isoformat(), "last": last.isoformat()}
        body = await api.execute(REPORT, variables, token=admin_token)
        assert error_codes(body) == ["BAD_USER_INPUT"], body
    body = await api.execute(
        REPORT, {"first": "2026-02-30", "last": "2026-03-01"}, token=admin_token
    )
    assert body["data"] is None  # refused as the variable is read, with graphql-core's words
    assert "cannot represent a Date" in body["errors"][0]["message"]
    quarter = await report(api, admin_token, today, today + timedelta(days=91))
    assert len(quarter["days"]) == 92
