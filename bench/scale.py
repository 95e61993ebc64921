"""`make bench`, last part: what work costs as the data and the connections grow.

1. Spins and history reads as the tables grow: `slotSpin` at 32 connections and
   `me { history(first: 50) }` at 8, first with ~SMALL_ROWS rows in the ledger and in
   the play history, then again after both grow to ~LARGE_ROWS (other players' rows,
   written straight into the tables with generate_series and analysed). Keyset pages and
   per-player indexes should make the two runs cost the same: if they did not, the
   tables would want partitioning by month.
2. Memory per idle WebSocket: a fresh server's resident memory before and after
   IDLE_CONNECTIONS graphql-transport-ws connections are open and acknowledged (each
   with a player's token), divided by their number; and `/health` while they are open.

Its section of bench/RESULTS.md is written between its markers.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import resource
import statistics
import tempfile
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import asyncpg
import orjson
import websockets
from redis.asyncio import Redis
from tests.e2e.conftest import start_server

from bench.bet_path import (
    HISTORY_PAGE,
    SERVER_SETTINGS,
    SPIN,
    HttpRun,
    measure,
    signup_players,
    top_up,
)
from bench.database import REDIS_URL, bench_database
from bench.results import write_section
from bench.wrk import Measured, run_wrk

SECONDS = float(os.environ.get("BENCH_SECONDS", "15"))
SMALL_ROWS = int(os.environ.get("BENCH_SMALL_ROWS", "100000"))
LARGE_ROWS = int(os.environ.get("BENCH_LARGE_ROWS", "10000000"))
IDLE_CONNECTIONS = int(os.environ.get("BENCH_IDLE_CONNECTIONS", "10000"))
PLAYERS = 64
FILLER_PLAYERS = 10_000  # whose rows fill the tables
INSERT_BATCH = 1_000_000  # rows per INSERT, so no statement runs for minutes
# Growing the tables takes minutes: tokens signed at the start must outlast it.
SETTINGS = {**SERVER_SETTINGS, "ACCESS_TOKEN_TTL_SECONDS": "7200"}


async def fill(dsn: str, target: int) -> tuple[int, float]:
    """Grow ledger_entries and game_history to about `target` rows each with filler
    players' rows (zero-amount ledger rows, so every wallet still equals its ledger);
    (ledger rows, seconds taken)."""
    conn = await asyncpg.connect(dsn)
    try:
        started = time.perf_counter()
        fillers = await conn.fetchval("SELECT count(*) FROM users WHERE site_id LIKE 'fill%'")
        if not fillers:
            await conn.execute(
                """INSERT INTO users (site_id, site_id_key, nickname, nickname_key,
                     password_hash, role, rank, xp, daily_streak, lifetime_spend_cents,
                     gold_debt, created_at)
                   SELECT 'fill' || g, 'fill' || g, 'fill' || g, 'fill' || g, '-', 'USER',
                     'STANDARD', 0, 0, 0, 0, now() - interval '400 days'
                   FROM generate_series(1, $1) g""",
                FILLER_PLAYERS,
            )
            await conn.execute(
                """INSERT INTO wallets (user_id, gold, updated_at)
                   SELECT id, 0, now() FROM users WHERE site_id LIKE 'fill%'"""
            )
            await conn.execute(
                """INSERT INTO fairness_seeds (user_id, server_seed, server_seed_hash,
                     client_seed, nonce, active, created_at)
                   SELECT id, repeat('0', 64), repeat('1', 64), 'c', 0, true, now()
                   FROM users WHERE site_id LIKE 'fill%'"""
            )
        first, last = await conn.fetchrow(
            "SELECT min(id), max(id) FROM users WHERE site_id LIKE 'fill%'"
        )
        while True:
            have = await conn.fetchval("SELECT count(*) FROM ledger_entries")
            if have >= target:
                break
            batch = min(INSERT_BATCH, target - have)
            # Spread over the filler players and the past year, as real rows would be.
            await conn.execute(
                """INSERT INTO ledger_entries (user_id, amount, balance_after, reason,
                     reference, created_at)
                   SELECT $1::bigint + (g % ($2::bigint - $1::bigint + 1)), 0, 0,
                     'ADMIN_ADJUSTMENT', 'bench-fill',
                     now() - (g % 31536000) * interval '1 second'
                   FROM generate_series(1, $3::int) g""",
                first,
                last,
                batch,
            )
            await conn.execute(
                """INSERT INTO game_history (user_id, game, stake, payout, outcome, seed_id,
                     server_seed_hash, client_seed, nonce, created_at)
                   SELECT s.user_id, 'SLOTS', 10, 0, '{}', s.id, s.server_seed_hash, 'c',
                     g, now() - (g % 31536000) * interval '1 second'
                   FROM generate_series(1, $1::int) g
                   JOIN fairness_seeds s
                     ON s.user_id = $2::bigint + (g % ($3::bigint - $2::bigint + 1))""",
                batch,
                first,
                last,
            )
        await conn.execute("VACUUM ANALYZE ledger_entries")
        await conn.execute("VACUUM ANALYZE game_history")
        rows = await conn.fetchval("SELECT count(*) FROM ledger_entries")
        return int(rows), time.perf_counter() - started
    finally:
        await conn.close()


async def table_size(dsn: str, table: str) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        size: int = await conn.fetchval("SELECT pg_total_relation_size($1)", table)
        return size
    finally:
        await conn.close()


def resident_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


async def idle_connections(url: str, pid: int, tokens: list[str]) -> tuple[float, float, float]:
    """(KiB per idle connection, /health p50 ms and p99 ms while they are open)."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < IDLE_CONNECTIONS + 100:
        raise SystemExit(f"open files limited to {hard}: too few for {IDLE_CONNECTIONS}")
    ws_url = url.replace("http://", "ws://") + "/graphql"
    await asyncio.sleep(2)  # let the fresh server settle
    before = resident_kib(pid)
    async with contextlib.AsyncExitStack() as stack:
        opened = asyncio.Semaphore(200)  # the handshakes in flight at once

        async def connect(n: int) -> websockets.ClientConnection:
            async with opened:
                ws = await stack.enter_async_context(
                    websockets.connect(
                        ws_url,
                        subprotocols=[websockets.Subprotocol("graphql-transport-ws")],
                        open_timeout=60,
                        ping_interval=None,
                    )
                )
                auth = {"authorization": f"Bearer {tokens[n % len(tokens)]}"}
                await ws.send(orjson.dumps({"type": "connection_init", "payload": auth}).decode())
                answer = orjson.loads(await ws.recv())
                assert answer["type"] == "connection_ack", answer
                return ws

        sockets = []
        for start in range(0, IDLE_CONNECTIONS, 1000):
            count = min(1000, IDLE_CONNECTIONS - start)
            sockets += await asyncio.gather(*(connect(start + n) for n in range(count)))
        await asyncio.sleep(5)  # settled: buffers allocated, nothing in flight
        after = resident_kib(pid)
        timings = []
        async with aiohttp.ClientSession() as http:
            for _ in range(200):
                started = time.perf_counter()
                async with http.get(f"{url}/health") as response:
                    assert response.status == 200
                timings.append((time.perf_counter() - started) * 1000)
                await asyncio.sleep(0.01)
        assert all(ws.state is websockets.State.OPEN for ws in sockets)
    quantiles = statistics.quantiles(timings, n=100)
    return (after - before) / IDLE_CONNECTIONS, quantiles[49], quantiles[98]


async def main() -> None:
    redis = Redis.from_url(REDIS_URL)
    sizes: list[tuple[int, float, int, int]] = []  # rows, fill seconds, ledger, history bytes
    runs: list[HttpRun] = []
    try:
        async with bench_database() as db:
            backend, dsn, name, admin_dsn = db.backend, db.dsn, db.name, db.admin_dsn
            log_dir = Path(tempfile.mkdtemp(prefix="casino-bench-"))
            with start_server(backend, log_dir, **SETTINGS) as running:
                url, pid = running.url, running.process.pid
                players = await signup_players(url, PLAYERS)
                await top_up(backend, [user_id for _, user_id in players], 1_000_000_000)
                tokens = [token for token, _ in players]

                def wrk(
                    payload: Mapping[str, object], expect: str, connections: int
                ) -> Callable[[], Measured]:
                    return lambda: run_wrk(
                        url, tokens, payload, expect, connections=connections, seconds=SECONDS
                    )

                page = {"query": HISTORY_PAGE, "variables": {"after": None}}
                for target in (SMALL_ROWS, LARGE_ROWS):
                    rows, took = await fill(dsn, target)
                    sizes.append(
                        (
                            rows,
                            took,
                            await table_size(dsn, "ledger_entries"),
                            await table_size(dsn, "game_history"),
                        )
                    )
                    await asyncio.to_thread(wrk(SPIN, "SlotSpinSuccess", 32))  # warm-up
                    runs.append(
                        await measure(
                            f"`slotSpin`, 32 connections, {rows:,} ledger rows",
                            pid,
                            redis,
                            admin_dsn,
                            name,
                            wrk(SPIN, "SlotSpinSuccess", 32),
                        )
                    )
                    runs.append(
                        await measure(
                            f"`me {{ history(first: 50) }}`, 8 connections, {rows:,} history rows",
                            pid,
                            redis,
                            admin_dsn,
                            name,
                            wrk(page, "hasNextPage", 8),
                        )
                    )
            with start_server(backend, log_dir, **SETTINGS) as fresh:
                per_connection, health_p50, health_p99 = await idle_connections(
                    fresh.url, fresh.process.pid, tokens
                )
    finally:
        await redis.aclose()

    lines = [
        "## Cost as work grows",
        "",
        f"Written by `make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. The ledger and "
        "the play history grown with other players' rows (generate_series, then "
        "`VACUUM ANALYZE`); the same server throughout; each run "
        f"{SECONDS:g} s after a warm-up.",
        "",
        "| tables | grown in | ledger on disk | history on disk |",
        "|---|---:|---:|---:|",
        *(
            f"| {rows:,} rows each | {took:.0f} s | {ledger / 2**20:,.0f} MiB | "
            f"{history / 2**20:,.0f} MiB |"
            for rows, took, ledger, history in sizes
        ),
        "",
        "| run | req/s | p50 ms | p99 ms | server CPU ms/req | PG xacts/req |",
        "|---|---:|---:|---:|---:|---:|",
        *(
            f"| {run.label} | {run.measured.throughput:.0f} | {run.measured.p50_ms:.1f} | "
            f"{run.measured.p99_ms:.1f} | {run.costs.cpu_ms:.2f} | "
            f"{run.costs.pg_transactions:.1f} |"
            for run in runs
        ),
        "",
        f"Idle WebSockets: {IDLE_CONNECTIONS:,} graphql-transport-ws connections open and "
        "acknowledged on one fresh instance (each authenticated, none subscribed): "
        f"**{per_connection:.1f} KiB of server memory each** (resident, after minus "
        f"before); `/health` meanwhile p50 {health_p50:.1f} ms, p99 {health_p99:.1f} ms.",
    ]
    write_section("scale", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    asyncio.run(main())
