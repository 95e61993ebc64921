"""`make bench`, third part: `slotSpin` through HAProxy to two instances, beside one
instance direct (SPEC §16).

1. A fresh PostgreSQL database and Redis prefix; two `casino-club serve` instances (one
   uvicorn worker each, the bet path's settings) and Debian's HAProxy in front of them,
   with the e2e test's configuration (tests/e2e/haproxy.py): round robin, /health
   checks, keep-alive on both sides.
2. Interleaved, `slotSpin` at 32 connections (wrk, every answer checked): one instance
   direct; HAProxy to that one instance alone (what the proxy costs); HAProxy to both;
   one instance direct again (this machine's speed drifts by tens of percent within
   minutes).
3. For each run, CPU per request of the app instances (summed) and of HAProxy.

Every process — the instances, HAProxy, wrk, PostgreSQL and Redis — shares this
machine's cores, so a second instance adds CPU only where the first left some idle: the
figure is what the proxy costs and what a second process on the same cores gives, not
what a second machine would.

The section is written into bench/RESULTS.md between its markers (bench/results.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tests.e2e.conftest import start_server
from tests.e2e.haproxy import start_haproxy

from bench.bet_path import (
    PLAYERS,
    SECONDS,
    SERVER_SETTINGS,
    SPIN,
    cpu_seconds,
    signup_players,
    top_up,
)
from bench.database import bench_database
from bench.results import write_section
from bench.wrk import Measured, run_wrk

CONNECTIONS = 32


@dataclass(frozen=True)
class ProxyRun:
    label: str
    measured: Measured
    app_cpu_ms: float
    proxy_cpu_ms: float | None


def spin_load(url: str, tokens: list[str], seconds: float) -> Measured:
    return run_wrk(url, tokens, SPIN, "SlotSpinSuccess", connections=CONNECTIONS, seconds=seconds)


async def measure(
    label: str, url: str, tokens: list[str], app_pids: Sequence[int], proxy_pid: int | None
) -> ProxyRun:
    """One wrk run against `url`, and the CPU it cost the instances and the proxy."""
    pids = [*app_pids, *([proxy_pid] if proxy_pid else [])]
    before = {pid: cpu_seconds(pid) for pid in pids}
    measured = await asyncio.to_thread(spin_load, url, tokens, SECONDS)
    spent = {pid: (cpu_seconds(pid) - before[pid]) * 1000 / measured.requests for pid in pids}
    return ProxyRun(
        label,
        measured,
        sum(spent[pid] for pid in app_pids),
        None if proxy_pid is None else spent[proxy_pid],
    )


def section(runs: list[ProxyRun]) -> str:
    lines = [
        "## Through HAProxy (several instances)",
        "",
        f"Written by `make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. `slotSpin` at "
        f"{CONNECTIONS} connections (wrk, every answer checked), {SECONDS:g} s a run, "
        f"{PLAYERS} players rotated; Debian's HAProxy (round robin, /health checked every "
        "500 ms) and the instances (one uvicorn worker each) on the same cores as "
        "PostgreSQL, Redis and wrk.",
        "",
        "| run | req/s | p50 ms | p99 ms | app CPU ms/req | HAProxy CPU ms/req |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        m = run.measured
        proxy = "" if run.proxy_cpu_ms is None else f"{run.proxy_cpu_ms:.2f}"
        lines.append(
            f"| {run.label} | {m.throughput:.0f} | {m.p50_ms:.1f} | {m.p99_ms:.1f} | "
            f"{run.app_cpu_ms:.2f} | {proxy} |"
        )
    return "\n".join(lines)


async def main() -> None:
    async with bench_database() as db:
        backend = db.backend
        log_dir = Path(tempfile.mkdtemp(prefix="casino-bench-"))
        with contextlib.ExitStack() as stack:
            first, second = [
                stack.enter_context(start_server(backend, log_dir, **SERVER_SETTINGS))
                for _ in range(2)
            ]
            alone = stack.enter_context(start_haproxy([first.url], log_dir))
            both = stack.enter_context(start_haproxy([first.url, second.url], log_dir))
            players = await signup_players(first.url, PLAYERS)
            await top_up(backend, [user_id for _, user_id in players], 1_000_000_000)
            tokens = [token for token, _ in players]
            # Warm-up of both instances: caches, pools, prepared statements.
            await asyncio.to_thread(spin_load, both.url, tokens, 3)
            one = [first.process.pid]
            two = [first.process.pid, second.process.pid]
            runs = [
                await measure("one instance, direct", first.url, tokens, one, None),
                await measure(
                    "HAProxy → the same one instance", alone.url, tokens, one, alone.process.pid
                ),
                await measure("HAProxy → two instances", both.url, tokens, two, both.process.pid),
                await measure("one instance, direct, again", first.url, tokens, one, None),
            ]
    text = section(runs)
    write_section("proxy", text)
    print(text)


if __name__ == "__main__":
    asyncio.run(main())
