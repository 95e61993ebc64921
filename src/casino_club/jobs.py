"""Background work of every app instance, safe to run on several at once: the one
registry of jobs (`JOBS`), which the app runs on their intervals (`running`) and
`casino-club run-job` runs once by name."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from casino_club.config import Settings
from casino_club.persistence import idempotency
from casino_club.resolvers import campaigns as campaign_cases
from casino_club.resolvers import crash as crash_cases
from casino_club.resolvers import economy, payment_settlement, reconciliation
from casino_club.resolvers import kpis as kpi_cases
from casino_club.resolvers import leaderboards as leaderboard_cases
from casino_club.resolvers import missions as mission_cases
from casino_club.resolvers import refunds as refund_cases
from casino_club.resolvers import segments as segment_cases
from casino_club.services import Services

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Job:
    name: str  # as `casino-club run-job` is given it
    counts: str  # what the number its work returns counts: its log line
    interval_seconds: Callable[[Settings], float]
    work: Callable[[Services], Awaitable[int]]
    # Most jobs run at once on start (work left from before a restart); one with nothing
    # urgent waits an interval, so a starting instance serves requests first.
    at_start: bool = True


async def purge_expired_idempotency_keys(services: Services) -> int:
    retention = timedelta(hours=services.settings.idempotency_retention_hours)
    async with services.unit_of_work() as uow:
        purged = await idempotency.purge_expired(uow.session, services.clock.now() - retention)
        await uow.commit()
    return purged


async def check_the_books(services: Services) -> int:
    return len(await reconciliation.reconcile(services))


JOBS: tuple[Job, ...] = (
    Job(
        "purge-idempotency-keys",
        "purge idempotency keys",
        lambda settings: settings.housekeeping_interval_seconds,
        purge_expired_idempotency_keys,
    ),
    Job(
        "renew-live-leases",
        "live connections' and subscriptions' leases renewed",
        lambda settings: settings.live_lease_seconds / 3,
        lambda services: services.live.counts.renew(),
        at_start=False,  # nothing is held yet
    ),
    Job(
        "relay-events",
        "events published that Redis had refused",
        lambda settings: settings.event_relay_interval_seconds,
        lambda services: services.outbox.relay(),
    ),
    Job(
        "sweep-crash-rounds",
        "settled ended crash rounds",
        lambda settings: settings.crash_sweep_interval_seconds,
        crash_cases.sweep,
    ),
    Job(
        "sweep-stale-purchases",
        "settled stale pending purchases",
        lambda settings: settings.purchase_sweep_interval_seconds,
        payment_settlement.sweep_stale,
    ),
    Job(
        "finish-refunds",
        "refunds finished that a crash or a silent provider interrupted",
        lambda settings: settings.refund_job_interval_seconds,
        refund_cases.finish_pending,
    ),
    Job(
        "check-wallets",
        "wallets found not matching their ledger",
        lambda settings: settings.reconcile_interval_seconds,
        check_the_books,
    ),
    Job(
        "check-leaderboards",
        "leaderboards written from SQL (Redis had none)",
        lambda settings: settings.leaderboard_check_interval_seconds,
        leaderboard_cases.rebuild_if_missing,
        at_start=False,  # a starting instance serves first; an interval later is soon
    ),
    Job(
        "purge-mission-progress",
        "mission progress of periods long over deleted",
        lambda settings: settings.housekeeping_interval_seconds,
        mission_cases.purge_old_progress,
        at_start=False,  # nothing urgent: a starting instance serves first
    ),
    Job(
        "roll-up-economy",
        "ledger rows added to the economy's daily totals",
        lambda settings: settings.economy_rollup_interval_seconds,
        economy.roll_up,
        at_start=False,  # totals a few minutes old are what the report promises
    ),
    Job(
        "segment-players",
        "segment changes written by the game day's segmentation",
        lambda settings: settings.segmentation_interval_seconds,
        segment_cases.scheduled_run,
        at_start=False,  # nothing urgent: a starting instance serves first
    ),
    Job(
        "dispatch-campaigns",
        "players sent operators' campaigns",
        lambda settings: settings.campaign_dispatch_interval_seconds,
        campaign_cases.dispatch,
    ),
    Job(
        "roll-up-kpis",
        "game days' key figures written",
        lambda settings: settings.kpi_rollup_interval_seconds,
        kpi_cases.roll_up,
        at_start=False,  # figures a few minutes old are what the report promises
    ),
)

BY_NAME = {job.name: job for job in JOBS}


@contextlib.asynccontextmanager
async def running(services: Services, jobs: Sequence[Job] = JOBS) -> AsyncIterator[None]:
    """Run each job once at start (work left over from before a restart is picked up at
    once), unless it says otherwise, and then every interval, until the block ends."""
    tasks = [asyncio.create_task(_run(job, services)) for job in jobs]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def _run(job: Job, services: Services) -> None:
    """Run a job forever; a failure is logged and retried next round, never fatal."""
    interval = job.interval_seconds(services.settings)
    if not job.at_start:
        await asyncio.sleep(interval)
    while True:
        try:
            done = await job.work(services)
            if done:
                log.info(job.counts, extra={"count": done})
        except Exception:
            log.warning("background job failed: %s", job.counts, exc_info=True)
        await asyncio.sleep(interval)
