"""`BetStore` on PostgreSQL, straight through the driver (asyncpg).

The same writes as `SessionBetStore`, in four round trips: BEGIN; the nonce UPDATE
(it locks the player's seed row, so concurrent bets of one player queue, and returns
the inputs of the round); one data-modifying CTE for everything the outcome decides
(wallet, ledger rows, slot streak, history row); COMMIT. A keyed bet adds the key's
claim, first, and its stored answer, last. The connection comes from the engine's pool,
so pool size, timeouts and the server's `statement_timeout` are the engine's.
"""

from __future__ import annotations

from typing import Any

import asyncpg
import orjson
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from casino_club.domain.fairness import FairnessInput
from casino_club.persistence.bets import (
    AnswerOf,
    RuleOf,
    ShortOfGold,
    Wager,
    Written,
    movements,
)
from casino_club.persistence.fairness import ROTATION_RETRIES, Round
from casino_club.persistence.idempotency import COMPLETED, IN_PROGRESS, KeyRequest, KeyTaken
from casino_club.persistence.wallet import Posted, required_balance

_CLAIM = """
INSERT INTO idempotency_keys AS k
    (user_id, key, operation, fingerprint, state, response, created_at, completed_at)
VALUES ($1, $2, $3, $4, $5, NULL, $6, NULL)
ON CONFLICT (user_id, key) DO UPDATE SET
    operation = excluded.operation, fingerprint = excluded.fingerprint,
    state = excluded.state, response = NULL, created_at = excluded.created_at,
    completed_at = NULL
WHERE k.created_at < $7
RETURNING id
"""

_COMPLETE = """
UPDATE idempotency_keys SET state = $2, response = $3, completed_at = $4 WHERE id = $1
"""

NEXT_ROUND = """
UPDATE fairness_seeds SET nonce = nonce + 1
WHERE user_id = $1 AND active IS true
RETURNING id, server_seed, client_seed, nonce, slot_win_streak
"""

# Each part runs only if the wallet covered the stake (`FROM moved`): a refused bet
# writes nothing, and its transaction is rolled back for the nonce (and key).
SETTLE = """
WITH moved AS (
    UPDATE wallets SET gold = gold + $2::bigint, updated_at = $4::timestamptz
    WHERE user_id = $1::bigint AND gold >= $3::bigint
    RETURNING gold
), ledger AS (
    INSERT INTO ledger_entries (user_id, amount, balance_after, reason, reference, created_at)
    SELECT $1::bigint, m.amount, moved.gold - m.later, m.reason, $8::text, $4::timestamptz
    FROM moved, unnest($5::bigint[], $6::bigint[], $7::text[]) WITH ORDINALITY
        AS m(amount, later, reason, position)
    ORDER BY m.position
), streak AS (
    UPDATE fairness_seeds SET slot_win_streak = $9::integer
    FROM moved WHERE id = $10::bigint AND $9::integer IS NOT NULL
), round AS (
    INSERT INTO game_history (user_id, game, stake, payout, outcome, seed_id,
        server_seed_hash, client_seed, nonce, created_at)
    SELECT $1::bigint, $11::text, $12::bigint, $13::bigint, $14::text, $10::bigint,
        $15::text, $16::text, $17::bigint, $4::timestamptz
    FROM moved
    RETURNING id
)
SELECT (SELECT gold FROM moved) AS balance, (SELECT id FROM round) AS round_id,
    (SELECT gold FROM wallets WHERE user_id = $1::bigint) AS balance_before
"""


class PostgresBetStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def place(self, wager: Wager, rule: RuleOf, answer: AnswerOf) -> Written | ShortOfGold:
        async with self._engine.connect() as pooled:
            driver = await _driver(pooled)
            try:
                async with driver.transaction():
                    written = await _write(driver, wager, rule, answer)
                    if isinstance(written, ShortOfGold):
                        raise _Refused(written)
            except _Refused as refused:
                return refused.short
            except (OSError, asyncpg.InterfaceError):
                # The connection is gone or in an unknown state: never back to the pool.
                await pooled.invalidate()
                raise
        return written


class _Refused(Exception):
    """Roll the bet's transaction back (nonce, key) and answer ShortOfGold."""

    def __init__(self, short: ShortOfGold) -> None:
        self.short = short


async def _driver(pooled: AsyncConnection) -> asyncpg.Connection:
    raw = await pooled.get_raw_connection()
    driver: asyncpg.Connection = raw.driver_connection
    return driver


async def _write(
    conn: asyncpg.Connection, wager: Wager, rule: RuleOf, answer: AnswerOf
) -> Written | ShortOfGold:
    now = wager.placed_at
    claim_id = None if wager.key is None else await _claim(conn, wager.key, wager)
    fair_round = await _next_round(conn, wager.user_id)
    outcome = rule(fair_round)
    moved = movements(wager, fair_round, outcome.payout)
    amounts = [m.amount for m in moved]
    later = [sum(amounts[i + 1 :]) for i in range(len(amounts))]
    proof = fair_round.proof
    row = await conn.fetchrow(
        SETTLE,
        wager.user_id,
        sum(amounts),
        required_balance(moved),
        now,
        amounts,
        later,
        [m.reason.value for m in moved],
        moved[0].reference,
        outcome.slot_win_streak,
        fair_round.seed_id,
        wager.game,
        wager.stake,
        outcome.payout,
        orjson.dumps(outcome.details).decode(),
        proof.server_seed_hash,
        proof.client_seed,
        proof.nonce,
    )
    assert row is not None  # a SELECT without FROM always returns its one row
    if row["balance"] is None:
        return ShortOfGold(required_balance(moved), int(row["balance_before"] or 0))
    balance = int(row["balance"])
    posted = [
        Posted(m.amount, m.reason, balance - after) for m, after in zip(moved, later, strict=True)
    ]
    written = Written(int(row["round_id"]), balance, posted, fair_round, outcome)
    if claim_id is not None:
        await conn.execute(
            _COMPLETE, claim_id, COMPLETED, orjson.dumps(answer(written)).decode(), now
        )
    return written


async def _claim(conn: asyncpg.Connection, key: KeyRequest, wager: Wager) -> int:
    claim_id: Any = await conn.fetchval(
        _CLAIM,
        key.user_id,
        key.key,
        key.operation,
        key.fingerprint,
        IN_PROGRESS,
        wager.placed_at,
        key.expired_before,
    )
    if claim_id is None:
        raise KeyTaken(key.key)
    return int(claim_id)


async def _next_round(conn: asyncpg.Connection, user_id: int) -> Round:
    for _ in range(ROTATION_RETRIES):
        row = await conn.fetchrow(NEXT_ROUND, user_id)
        if row is not None:
            return Round(
                seed_id=int(row["id"]),
                source=FairnessInput(
                    bytes.fromhex(row["server_seed"]), str(row["client_seed"]), row["nonce"] - 1
                ),
                slot_win_streak=int(row["slot_win_streak"]),
            )
    raise LookupError(f"user {user_id} has no active seed")
