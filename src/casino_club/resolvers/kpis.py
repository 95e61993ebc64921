"""The key figures (domain/kpis.py): the background job that rolls game days up, and the
operators' report read from the rollup (so a year answers from one row per day)."""

from __future__ import annotations

from datetime import date, timedelta

from casino_club.domain.days import game_day
from casino_club.domain.errors import BadUserInput
from casino_club.domain.kpis import KpiReport, report_range_problem
from casino_club.persistence import kpis
from casino_club.services import Services

# Days written per run when catching up (a first run over a year of play, say): the
# rest follow on the next runs, so one run holds no transaction for long.
MAX_DAYS_PER_RUN = 62


async def roll_up(services: Services) -> int:
    """Write the figures of every game day not written yet, and again of yesterday and
    today (their plays, purchases and refunds may still be arriving); days written."""
    zone = services.settings.zone
    now = services.clock.now()
    today = game_day(now, zone)
    async with services.sessionmaker() as session:
        last = await kpis.last_computed(session)
        first_signup = await kpis.first_day_of_play(session)
    if first_signup is None:
        return 0
    start = game_day(first_signup, zone) if last is None else min(last, today - timedelta(days=1))
    written = 0
    day = start
    while day <= today and written < MAX_DAYS_PER_RUN:
        async with services.unit_of_work() as uow:
            await kpis.compute_day(uow.session, day, zone, now)
            await uow.commit()
        written += 1
        day += timedelta(days=1)
    return written


async def report(services: Services, first: date, last: date) -> KpiReport:
    problem = report_range_problem(first, last)
    if problem is not None:
        raise BadUserInput(problem)
    async with services.sessionmaker() as session:
        stored = await kpis.report_rows(session, first, last)
        complete = await kpis.last_computed(session)
    return KpiReport(
        days=tuple(stored.days),
        money=tuple(figures for day in stored.days for figures in day.money),
        cohorts=tuple(stored.cohorts),
        funnel=tuple(stored.funnel),
        complete_through=complete,
    )
