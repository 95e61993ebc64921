"""`make bench`: slot-spin throughput and latency over HTTP, against the raw SQL floor.

1. A fresh PostgreSQL database and Redis prefix; `casino-club serve` (one uvicorn worker,
   uvloop + httptools) on PostgreSQL + Redis, rate limit lifted so the limiter's cost is
   measured but never refuses.
2. Closed loop: CONCURRENCY clients spin as fast as they can for SECONDS (aiohttp, keep-alive).
3. Fixed load: an open loop at half that throughput, for latency without queueing.
4. Raw floor: the statements the resolver sends, directly with asyncpg, same concurrency.
The load generator shares the machine's two cores with the server, as it would here.
"""

from __future__ import annotations

import asyncio
import os
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import asyncpg
import orjson
from redis.asyncio import Redis
from sqlalchemy.engine import make_url
from tests.conftest import Backend
from tests.e2e.conftest import start_server

from casino_club.bootstrap import seed
from casino_club.domain import slots
from casino_club.domain.fairness import FairnessInput, take
from casino_club.domain.ledger import LedgerReason
from casino_club.persistence import migrations, wallet
from casino_club.services import Services

ADMIN_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
SECONDS = float(os.environ.get("BENCH_SECONDS", "20"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "32"))
STAKE = 10
RESULTS = Path(__file__).with_name("RESULTS.md")

SPIN = (
    "mutation Spin($input: SlotSpinInput!) { slotSpin(input: $input) { __typename "
    "... on SlotSpinSuccess { payout balance } } }"
)
SIGNUP = (
    "mutation S($input: SignupInput!) { signup(input: $input) { "
    "... on AuthPayload { accessToken user { id } } } }"
)


@dataclass
class Run:
    requests: int
    seconds: float
    latencies_ms: list[float]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def signup_players(url: str, count: int) -> list[tuple[str, int]]:
    players = []
    async with aiohttp.ClientSession() as http:
        for _ in range(count):
            tag = uuid.uuid4().hex[:10]
            variables = {
                "input": {
                    "siteId": f"bench_{tag}",
                    "nickname": f"b{tag}",
                    "password": "bench password",
                    "inviteCode": "5858",
                }
            }
            async with http.post(
                f"{url}/graphql", json={"query": SIGNUP, "variables": variables}
            ) as r:
                payload = (await r.json())["data"]["signup"]
            players.append((payload["accessToken"], int(payload["user"]["id"])))
    return players


async def top_up(backend: Backend, user_ids: list[int], amount: int) -> None:
    """Enough gold that nobody runs dry mid-run (through the ledger, as always)."""
    services = Services.create(backend.settings())
    try:
        async with services.unit_of_work() as uow:
            for user_id in user_ids:
                await wallet.move_gold(
                    uow.session,
                    user_id=user_id,
                    movements=[wallet.Movement(amount, LedgerReason.ADMIN_ADJUSTMENT, "bench")],
                    now=datetime.now(UTC),
                )
            await uow.commit()
    finally:
        await services.close()


async def closed_loop(url: str, tokens: list[str], seconds: float) -> Run:
    latencies: list[float] = []
    failures = 0
    deadline = time.perf_counter() + seconds
    connector = aiohttp.TCPConnector(limit=len(tokens))
    body = orjson.dumps({"query": SPIN, "variables": {"input": {"stake": STAKE}}})
    async with aiohttp.ClientSession(connector=connector) as http:

        async def worker(token: str) -> None:
            nonlocal failures
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                async with http.post(f"{url}/graphql", data=body, headers=headers) as response:
                    result = orjson.loads(await response.read())
                latencies.append((time.perf_counter() - started) * 1000)
                if (
                    result.get("data", {}) is None
                    or result["data"]["slotSpin"]["__typename"] != "SlotSpinSuccess"
                ):
                    failures += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker(token) for token in tokens))
        elapsed = time.perf_counter() - started
    if failures:
        raise SystemExit(f"{failures} spins did not succeed; the benchmark is invalid")
    return Run(len(latencies), elapsed, latencies)


async def open_loop(url: str, tokens: list[str], rate: float, seconds: float) -> Run:
    """Requests start on a fixed schedule whatever the server does (no coordinated omission)."""
    latencies: list[float] = []
    body = orjson.dumps({"query": SPIN, "variables": {"input": {"stake": STAKE}}})
    connector = aiohttp.TCPConnector(limit=256)
    async with aiohttp.ClientSession(connector=connector) as http:

        async def one(token: str, scheduled: float) -> None:
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            async with http.post(f"{url}/graphql", data=body, headers=headers) as response:
                await response.read()
            latencies.append((time.perf_counter() - scheduled) * 1000)

        tasks = []
        started = time.perf_counter()
        total = int(rate * seconds)
        for i in range(total):
            scheduled = started + i / rate
            await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
            tasks.append(asyncio.create_task(one(tokens[i % len(tokens)], scheduled)))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - started
    return Run(len(latencies), elapsed, latencies)


async def raw_floor(dsn: str, user_ids: list[int], seconds: float) -> Run:
    """The resolver's statements for one spin, straight through asyncpg."""
    pool = await asyncpg.create_pool(dsn, min_size=len(user_ids), max_size=len(user_ids))
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    session_ids = {
        user_id: await pool.fetchval(
            "SELECT id FROM auth_sessions WHERE user_id = $1 LIMIT 1", user_id
        )
        for user_id in user_ids
    }

    async def worker(user_id: int) -> None:
        async with pool.acquire() as conn:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                now = datetime.now(UTC)
                await conn.fetchrow(
                    "SELECT users.*, wallets.gold FROM users JOIN auth_sessions ON auth_sessions.user_id = users.id "
                    "LEFT OUTER JOIN wallets ON wallets.user_id = users.id WHERE users.id = $1 "
                    "AND auth_sessions.id = $2 AND auth_sessions.revoked_at IS NULL "
                    "AND auth_sessions.expires_at > $3 AND users.banned_at IS NULL",
                    user_id,
                    session_ids[user_id],
                    now,
                )
                async with conn.transaction():
                    seed = await conn.fetchrow(
                        "UPDATE fairness_seeds SET nonce = nonce + 1 WHERE user_id = $1 AND active IS true "
                        "RETURNING id, server_seed, client_seed, nonce, slot_win_streak",
                        user_id,
                    )
                    source = FairnessInput(
                        bytes.fromhex(seed["server_seed"]), seed["client_seed"], seed["nonce"] - 1
                    )
                    result = slots.settle(
                        STAKE, slots.reels_from(take(source, 3)), seed["slot_win_streak"]
                    )
                    net = result.payout - STAKE
                    gold = await conn.fetchval(
                        "UPDATE wallets SET gold = gold + $1, updated_at = $2 WHERE user_id = $3 AND gold >= $4 "
                        "RETURNING gold",
                        net,
                        now,
                        user_id,
                        STAKE,
                    )
                    await conn.execute(
                        "UPDATE fairness_seeds SET slot_win_streak = $1 WHERE id = $2",
                        result.win_streak,
                        seed["id"],
                    )
                    rows = [(user_id, -STAKE, gold - result.payout, "SLOT_BET", "bench", now)]
                    if result.payout:
                        rows.append((user_id, result.payout, gold, "SLOT_WIN", "bench", now))
                    await conn.executemany(
                        "INSERT INTO ledger_entries (user_id, amount, balance_after, reason, reference, created_at) "
                        "VALUES ($1, $2, $3, $4, $5, $6)",
                        rows,
                    )
                    await conn.fetchval(
                        "INSERT INTO game_history (user_id, game, stake, payout, outcome, seed_id, server_seed_hash, "
                        "client_seed, nonce, created_at) VALUES ($1, 'SLOTS', $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                        user_id,
                        STAKE,
                        result.payout,
                        "{}",
                        seed["id"],
                        "x" * 64,
                        seed["client_seed"],
                        seed["nonce"] - 1,
                        now,
                    )
                latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(worker(user_id) for user_id in user_ids))
    elapsed = time.perf_counter() - started
    await pool.close()
    return Run(len(latencies), elapsed, latencies)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    pg = subprocess.run(
        ["psql", "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, {pg or 'PostgreSQL'}"
    )


def write_results(closed: Run, fixed: Run, floor: Run, rate: float) -> str:
    ratio = closed.throughput / floor.throughput
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; machine: {machine()}.",
        "Server: one uvicorn worker (uvloop, httptools) on PostgreSQL + Redis; client on the same machine.",
        f"Each run: {SECONDS:g} s, stake {STAKE}.",
        "",
        "| measurement | throughput (spins/s) | p50 (ms) | p99 (ms) |",
        "|---|---:|---:|---:|",
        f"| `slotSpin` over HTTP, {CONCURRENCY} concurrent clients | {closed.throughput:.0f} | {closed.percentile(0.5):.1f} | {closed.percentile(0.99):.1f} |",
        f"| `slotSpin` over HTTP, fixed load of {rate:.0f}/s | {fixed.throughput:.0f} | {fixed.percentile(0.5):.1f} | {fixed.percentile(0.99):.1f} |",
        f"| raw floor: same SQL via asyncpg, {CONCURRENCY} concurrent | {floor.throughput:.0f} | {floor.percentile(0.5):.1f} | {floor.percentile(0.99):.1f} |",
        "",
        f"**End-to-end / raw floor: {ratio:.0%}** (target ≥ 60%).",
        "",
    ]
    text = "\n".join(lines)
    RESULTS.write_text(text, encoding="utf-8")
    return text


async def main() -> None:
    admin_url = make_url(ADMIN_URL)
    admin_dsn = admin_url.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"cc_bench_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(admin_dsn)
    await admin.execute(f'CREATE DATABASE "{name}"')
    prefix = f"ccbench:{uuid.uuid4().hex[:8]}:"
    database_url = admin_url.set(database=name).render_as_string(hide_password=False)
    backend = Backend("postgres", database_url, REDIS_URL, prefix, REDIS_URL)
    try:
        await asyncio.to_thread(migrations.upgrade, database_url)
        services = Services.create(backend.settings())
        await seed(services)
        await services.close()
        log_dir = Path(tempfile.mkdtemp(prefix="casino-bench-"))
        with start_server(
            backend,
            log_dir,
            GAME_RATE_LIMIT_PER_SECOND="1000000000",
            LOG_LEVEL="WARNING",
            DATABASE_POOL_SIZE="30",
            DATABASE_MAX_OVERFLOW="10",
        ) as running:
            url = running.url
            players = await signup_players(url, CONCURRENCY)
            await top_up(backend, [user_id for _, user_id in players], 10_000_000)
            tokens = [token for token, _ in players]
            await closed_loop(url, tokens, 2)  # warm-up: caches, pools, JIT-free but cold paths
            closed = await closed_loop(url, tokens, SECONDS)
            rate = max(10.0, round(closed.throughput / 2, -1))
            fixed = await open_loop(url, tokens, rate, min(SECONDS, 10))
        floor = await raw_floor(
            backend.database_url.replace("+asyncpg", ""), [u for _, u in players], SECONDS
        )
        print(write_results(closed, fixed, floor, rate))
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
        redis = Redis.from_url(REDIS_URL)
        keys = [key async for key in redis.scan_iter(match=f"{prefix}*")]
        if keys:
            await redis.delete(*keys)
        await redis.aclose()


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
