"""The two floors a spin is compared with, both straight through asyncpg (SPEC §14).

- `our_floor`: the statements our server sends for one spin, on our schema (imported
  from `persistence.postgres_bets`) — it moves when our statements change.
- `canonical_floor`: a fixed minimal spin transaction (nonce UPDATE … RETURNING,
  conditional wallet UPDATE … RETURNING, one INSERT of two ledger rows, one INSERT of a
  history row) on its own minimal schema, 1,000 players, concurrency 32 — it does not
  move, so ratios to it compare across versions.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import asyncpg

from casino_club.domain import slots
from casino_club.domain.fairness import FairnessInput, take
from casino_club.domain.ledger import LedgerReason
from casino_club.domain.missions import periods_at
from casino_club.persistence.bets import Outcome, Wager
from casino_club.persistence.postgres_bets import SETTLE, locked_round, settle_args
from casino_club.persistence.round_cache import RoundCache

UTC_ZONE = ZoneInfo("UTC")

STAKE = 10
CANONICAL_PLAYERS = 1000
CANONICAL_CONCURRENCY = 32


def spin_of(seed: asyncpg.Record, streak: int) -> slots.SpinResult:
    """The spin a seed row (server seed, client seed, nonce after the bet) decides."""
    source = FairnessInput(
        bytes.fromhex(seed["server_seed"]), seed["client_seed"], seed["nonce"] - 1
    )
    return slots.settle(STAKE, slots.reels_from(take(source, 3)), streak)


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


async def our_floor(dsn: str, user_ids: list[int], seconds: float) -> Run:
    """The statements the server sends for one spin (SPEC §14's floor), through asyncpg:
    each player's round is read once, as the server's round cache holds it, and then
    every spin is one SETTLE; the session check is answered from the server's cache,
    so it is not here."""
    pool = await asyncpg.create_pool(dsn, min_size=len(user_ids), max_size=len(user_ids))
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    rounds = RoundCache()

    async def worker(user_id: int) -> None:
        async with pool.acquire() as conn:
            rounds.remember(user_id, await locked_round(conn, user_id))
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                now = datetime.now(UTC)
                wager = Wager(
                    user_id,
                    "SLOTS",
                    STAKE,
                    LedgerReason.SLOT_BET,
                    LedgerReason.SLOT_WIN,
                    None,
                    now,
                    periods_at(now, UTC_ZONE),
                )
                fair_round = rounds.get(user_id)
                assert fair_round is not None
                reels = slots.reels_from(take(fair_round.source, slots.REELS))
                spin = slots.settle(STAKE, reels, fair_round.slot_win_streak)
                outcome = Outcome(spin.payout, {}, spin.win_streak)
                row = await conn.fetchrow(SETTLE, *settle_args(wager, fair_round, outcome))
                assert row["fresh"], "nothing else bets for the floor's players"
                assert row["balance"] is not None, "the floor's players never run dry"
                rounds.after(user_id, fair_round, spin.win_streak)
                latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(worker(user_id) for user_id in user_ids))
    elapsed = time.perf_counter() - started
    await pool.close()
    return Run(len(latencies), elapsed, latencies)


CANONICAL_SCHEMA = """
DROP SCHEMA IF EXISTS canonical CASCADE;
CREATE SCHEMA canonical;
CREATE TABLE canonical.seeds (user_id integer PRIMARY KEY, server_seed text NOT NULL,
  client_seed text NOT NULL, nonce bigint NOT NULL);
CREATE TABLE canonical.wallets (user_id integer PRIMARY KEY, gold bigint NOT NULL
  CHECK (gold >= 0));
CREATE TABLE canonical.ledger (id bigserial PRIMARY KEY, user_id integer NOT NULL,
  amount bigint NOT NULL, balance_after bigint NOT NULL, reason text NOT NULL,
  created_at timestamptz NOT NULL);
CREATE TABLE canonical.history (id bigserial PRIMARY KEY, user_id integer NOT NULL,
  stake bigint NOT NULL, payout bigint NOT NULL, nonce bigint NOT NULL,
  created_at timestamptz NOT NULL);
INSERT INTO canonical.seeds SELECT i, md5(i::text) || md5((-i)::text), 'client', 0
  FROM generate_series(1, 1000) AS i;
INSERT INTO canonical.wallets SELECT i, 1000000000 FROM generate_series(1, 1000) AS i;
"""


async def canonical_floor(dsn: str, seconds: float) -> Run:
    """The fixed canonical spin transaction, random players, 32 at once."""
    setup = await asyncpg.connect(dsn)
    try:
        await setup.execute(CANONICAL_SCHEMA)
    finally:
        await setup.close()
    pool = await asyncpg.create_pool(
        dsn, min_size=CANONICAL_CONCURRENCY, max_size=CANONICAL_CONCURRENCY
    )
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    chooser = random.Random(14)

    async def worker() -> None:
        async with pool.acquire() as conn:
            while time.perf_counter() < deadline:
                user_id = chooser.randint(1, CANONICAL_PLAYERS)
                started = time.perf_counter()
                now = datetime.now(UTC)
                async with conn.transaction():
                    seed = await conn.fetchrow(
                        "UPDATE canonical.seeds SET nonce = nonce + 1 WHERE user_id = $1 "
                        "RETURNING server_seed, client_seed, nonce",
                        user_id,
                    )
                    result = spin_of(seed, 0)
                    gold = await conn.fetchval(
                        "UPDATE canonical.wallets SET gold = gold + $1 WHERE user_id = $2 "
                        "AND gold >= $3 RETURNING gold",
                        result.payout - STAKE,
                        user_id,
                        STAKE,
                    )
                    await conn.execute(
                        "INSERT INTO canonical.ledger (user_id, amount, balance_after, reason, "
                        "created_at) VALUES ($1, $2, $3, 'BET', $5), ($1, $4, $6, 'WIN', $5)",
                        user_id,
                        -STAKE,
                        gold - result.payout,
                        result.payout,
                        now,
                        gold,
                    )
                    await conn.execute(
                        "INSERT INTO canonical.history (user_id, stake, payout, nonce, created_at) "
                        "VALUES ($1, $2, $3, $4, $5)",
                        user_id,
                        STAKE,
                        result.payout,
                        seed["nonce"] - 1,
                        now,
                    )
                latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CANONICAL_CONCURRENCY)))
    elapsed = time.perf_counter() - started
    await pool.close()
    return Run(len(latencies), elapsed, latencies)
