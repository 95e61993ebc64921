"""`make bench`, second part: the operators' insight at scale, on PostgreSQL.

1. A fresh database holding BENCH_INSIGHT_PLAYERS players (100,000) with a year of
   history: each signed up on a day of the past year and, from then on, plays, logins,
   clients' activity and (one in twenty) two purchases, one of them refunded. Generated
   in SQL (`generate_series`), so the data costs seconds, not the benchmark.
2. Segmentation of them all (`resolvers.segments.run`): wall time and the statements it
   sent (counted on the engine), twice — the first run writes every player, the second
   only what changed.
3. The key figures' rollup of the whole year (`resolvers.kpis.roll_up` until caught up):
   wall time and statements, and the same per day.
4. `kpiReport` over the year at 8 connections (wrk, every answer checked): latency.

The section is written into bench/RESULTS.md between its markers (bench/results.py).
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from sqlalchemy import event
from tests.conftest import ADMIN_PASSWORD
from tests.e2e.conftest import start_server
from tests.support import Api

from bench.database import bench_database
from bench.results import write_section
from bench.wrk import run_wrk
from casino_club.resolvers import kpis, segments
from casino_club.services import Services

PLAYERS = int(os.environ.get("BENCH_INSIGHT_PLAYERS", "100000"))
PLAYS_PER_PLAYER = int(os.environ.get("BENCH_INSIGHT_PLAYS", "20"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "15"))
YEAR_REPORT = """query K($first: Date!, $last: Date!) { kpiReport(firstDay: $first, lastDay: $last) {
  completeThrough days { day dau wau mau newPlayers payers conversionPercent }
  money { day currency net } } }"""

# Each player: signed up on a day of the past year; plays, logins and activity spread
# over the days since. One player in twenty buys twice; one of those two is refunded.
# The f-strings interpolate this module's own integers, nothing from outside.
GENERATE = [
    f"""INSERT INTO users (site_id, site_id_key, nickname, nickname_key, password_hash, role,
        rank, xp, daily_streak, lifetime_spend_cents, gold_debt, created_at)
      SELECT 'bench' || g, 'bench' || g, 'bench' || g, 'bench' || g, 'x', 'USER', 'STANDARD',
        0, 0, 0, 0, now() - (random() * 365) * interval '1 day'
      FROM generate_series(1, {PLAYERS}) g""",  # noqa: S608
    """INSERT INTO fairness_seeds (user_id, server_seed, server_seed_hash, client_seed, nonce,
        active, created_at)
      SELECT id, repeat('0', 64), repeat('1', 64), 'c', 0, true, created_at
      FROM users WHERE site_id LIKE 'bench%'""",
    f"""INSERT INTO game_history (user_id, game, stake, payout, outcome, seed_id,
        server_seed_hash, client_seed, nonce, created_at)
      SELECT u.id, 'SLOTS', 10, CASE WHEN random() < 0.4 THEN 20 ELSE 0 END, '{{}}', s.id,
        s.server_seed_hash, 'c', n, u.created_at + random() * (now() - u.created_at)
      FROM users u JOIN fairness_seeds s ON s.user_id = u.id
      CROSS JOIN generate_series(1, {PLAYS_PER_PLAYER}) n
      WHERE u.site_id LIKE 'bench%'""",  # noqa: S608
    """INSERT INTO login_attempts (user_id, site_id, success, outcome, created_at)
      SELECT u.id, u.site_id, true, 'SUCCESS', u.created_at + random() * (now() - u.created_at)
      FROM users u CROSS JOIN generate_series(1, 5) n WHERE u.site_id LIKE 'bench%'""",
    """INSERT INTO activity_events (user_id, event_type, event_id, metadata, client_ts,
        recorded_at)
      SELECT u.id, (ARRAY['SCREEN_VIEW', 'SHOP_OPENED', 'BUY_CLICKED'])[1 + n % 3],
        'e' || n, '{}', NULL, u.created_at + random() * (now() - u.created_at)
      FROM users u CROSS JOIN generate_series(1, 3) n WHERE u.site_id LIKE 'bench%'""",
    """INSERT INTO purchases (user_id, idempotency_key, sku, quantity, currency,
        unit_price_cents, amount_cents, gold, bonus_gold, status, gateway, created_at,
        settled_at, refunded_at, spend_usd_cents)
      SELECT u.id, 'k' || u.id || '-' || n, 'starter', 1, 'USD', 499, 499, 5000, 0,
        CASE WHEN n = 2 THEN 'REFUNDED' ELSE 'SUCCEEDED' END, 'sandbox', t, t,
        CASE WHEN n = 2 THEN t + interval '1 day' END, 499
      FROM users u CROSS JOIN generate_series(1, 2) n
      CROSS JOIN LATERAL (SELECT u.created_at + random() * (now() - u.created_at) AS t) p
      WHERE u.site_id LIKE 'bench%' AND u.id % 20 = 0""",
    "ANALYZE",
]


@contextmanager
def counting(services: Services) -> Iterator[list[int]]:
    """How many statements the engine sends meanwhile (one cell)."""
    sent = [0]

    def seen(*_: Any) -> None:
        sent[0] += 1

    engine = services.engine.sync_engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", seen)


async def timed(label: str, work: Any, services: Services) -> tuple[str, float, int]:
    with counting(services) as sent:
        started = time.perf_counter()
        await work()
        seconds = time.perf_counter() - started
    return label, seconds, sent[0]


async def main() -> None:
    async with bench_database() as db:
        backend = db.backend
        settings = backend.settings(admin_password=ADMIN_PASSWORD, database_timeout_seconds=600)
        services = Services.create(settings)
        connection = await asyncpg.connect(db.dsn)
        started = time.perf_counter()
        for statement in GENERATE:
            await connection.execute(statement)
        generated = time.perf_counter() - started
        plays = await connection.fetchval("SELECT count(*) FROM game_history")
        await connection.close()

        rows = [
            await timed("segmentation, first run", lambda: segments.run(services), services),
            await timed(
                "segmentation, again (only changes)", lambda: segments.run(services), services
            ),
        ]

        async def catch_up() -> None:
            while await kpis.roll_up(services) >= kpis.MAX_DAYS_PER_RUN:
                pass

        rows.append(await timed("key figures' rollup of the year", catch_up, services))
        rows.append(
            await timed(
                "key figures' rollup again (yesterday and today)",
                lambda: kpis.roll_up(services),
                services,
            )
        )
        await services.close()

        today = datetime.now(UTC).date()
        variables = {"first": (today - timedelta(days=365)).isoformat(), "last": today.isoformat()}
        with start_server(
            backend, Path(tempfile.mkdtemp(prefix="casino-bench-")), LOG_LEVEL="WARNING"
        ) as running:
            async with httpx.AsyncClient(base_url=running.url, timeout=60) as http:
                token = (await Api(http).login(settings.admin_site_id, ADMIN_PASSWORD))[
                    "accessToken"
                ]
            measured = run_wrk(
                running.url,
                [token],
                {"query": YEAR_REPORT, "variables": variables},
                '"completeThrough"',
                connections=8,
                seconds=SECONDS,
            )

    lines = [
        "## Operators' insight at scale",
        "",
        f"Written by `make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: {PLAYERS:,} players "
        f"with a year of history ({plays:,} plays, logins, clients' activity, purchases and "
        f"refunds), generated in {generated:.0f} s.",
        "",
        "| work | wall time | statements |",
        "|---|---:|---:|",
        *(f"| {label} | {seconds:.1f} s | {sent:,} |" for label, seconds, sent in rows),
        "",
        f"`kpiReport` over the year (366 game days), 8 connections, {SECONDS:g} s: "
        f"**{measured.throughput:.0f} req/s, p50 {measured.p50_ms:.1f} ms, "
        f"p99 {measured.p99_ms:.1f} ms**.",
    ]
    write_section("insight", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    asyncio.run(main())
