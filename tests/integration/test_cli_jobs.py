"""`casino-club run-job`: one background job of the registry the app runs (jobs.py),
once, as a real process."""

from __future__ import annotations

from tests.conftest import Backend
from tests.support import run_command


async def test_run_job_runs_a_registered_job_once(backend: Backend) -> None:
    purged = await run_command(backend.environment(), "run-job", "purge-idempotency-keys")
    assert purged.returncode == 0, purged.stderr
    assert purged.stdout.startswith("purge idempotency keys: ")
    relayed = await run_command(backend.environment(), "run-job", "relay-events")
    assert relayed.returncode == 0, relayed.stderr
    assert relayed.stdout.startswith("events published that Redis had refused: ")


async def test_run_job_names_the_jobs_it_knows(backend: Backend) -> None:
    unknown = await run_command(backend.environment(), "run-job", "no-such-job")
    assert unknown.returncode == 2
    assert "check-wallets" in unknown.stderr
