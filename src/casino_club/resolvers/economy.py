"""The operator's view of the economy (SPEC §11): the rollup job that keeps the daily
totals, and the report read from them."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from casino_club.domain.days import game_day
from casino_club.domain.economy import (
    INFLATION_DAYS,
    EconomyDay,
    EconomyReport,
    Flow,
    Inflation,
    ReasonFlow,
    days_between,
    game_returns,
    report_range_problem,
)
from casino_club.domain.errors import BadUserInput
from casino_club.domain.games import Game
from casino_club.domain.ledger import LedgerReason
from casino_club.persistence import economy
from casino_club.resolvers import crash, dice, rps, slots
from casino_club.services import Services

# Ledger rows per transaction: short, since on SQLite a transaction that writes holds
# the database's one write lock (and bets wait for it).
CHUNK = 2_000
MAX_CHUNKS = 500  # per run: a larger backlog is worked off over several runs


async def roll_up(services: Services) -> int:
    """Add the ledger rows written since the last run to the daily totals; rows read."""
    zone = services.settings.zone
    read = 0
    for _ in range(MAX_CHUNKS):
        async with services.unit_of_work() as uow:
            step = await economy.roll_up_chunk(uow.session, zone, services.clock.now(), chunk=CHUNK)
            await uow.commit()
        if step is None:
            break
        read += step
    await publish_inflation(services)
    return read


async def inflation(services: Services) -> Inflation:
    """The alarm as of now: the last INFLATION_DAYS game days' totals (as rolled up)."""
    today = game_day(services.clock.now(), services.settings.zone)
    first = today - timedelta(days=INFLATION_DAYS - 1)
    async with services.sessionmaker() as session:
        flows = await economy.days(session, first, today)
        held = await economy.circulation(session)
    return Inflation(
        issued=sum(flow.issued for flow in flows.values()),
        sunk=sum(flow.sunk for flow in flows.values()),
        circulation=held,
        threshold_percent=services.settings.economy_inflation_alarm_percent,
    )


async def publish_inflation(services: Services) -> None:
    """Export the alarm as Prometheus gauges, for an alert rule to watch."""
    now = await inflation(services)
    services.metrics.inflation_percent.set(now.percent)
    services.metrics.inflation_alarm.set(1 if now.alarm else 0)


def _published(services: Services) -> dict[Game, float]:
    """The returns the games' configs publish, where a game has one."""
    return {
        Game.SLOTS: slots.config(services).rtp,
        Game.DICE: dice.config(services).rtp,
        Game.RPS: rps.config(services).rtp,
        Game.CRASH: crash.config(services).rtp,
    }


def _day(day: date, flows: dict[str, Flow]) -> EconomyDay:
    return EconomyDay(
        day=day,
        issued=sum(flow.issued for flow in flows.values()),
        sunk=sum(flow.sunk for flow in flows.values()),
        reasons=tuple(
            ReasonFlow(
                reason=LedgerReason(reason),
                issued=flow.issued,
                sunk=flow.sunk,
                movements=flow.movements,
            )
            for reason, flow in sorted(flows.items())
        ),
    )


async def report(services: Services, first: date, last: date) -> EconomyReport:
    problem = report_range_problem(first, last)
    if problem is not None:
        raise BadUserInput(problem)
    async with services.sessionmaker() as session:
        totals = await economy.days(session, first, last)
        as_of = await economy.complete_as_of(session)
    by_day: dict[date, dict[str, Flow]] = defaultdict(dict)
    by_reason: dict[str, Flow] = defaultdict(Flow)
    for (day, reason), flow in totals.items():
        by_day[day][reason] = flow
        by_reason[reason] += flow
    days = tuple(_day(day, by_day.get(day, {})) for day in days_between(first, last))
    return EconomyReport(
        first_day=first,
        last_day=last,
        time_zone=services.settings.game_timezone,
        complete_as_of=as_of,
        issued=sum(day.issued for day in days),
        sunk=sum(day.sunk for day in days),
        days=days,
        games=tuple(game_returns(by_reason, _published(services))),
        inflation=await inflation(services),
    )
