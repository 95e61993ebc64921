"""`BetStore` on PostgreSQL, straight through the driver (asyncpg).

The same writes as `SessionBetStore`, in four round trips: BEGIN; the nonce UPDATE
(it locks the player's seed row, so concurrent bets of one player queue, and returns
the inputs of the round); one data-modifying CTE for everything the outcome decides
(wallet, ledger rows, slot streak, history row); COMMIT. A keyed bet adds the key's
claim, first, and its stored answer, last. The claim, the nonce and the answer are the
session path's own Core statements compiled for the driver (`persistence/driver.py`);
the CTE is this store's alone. The connection comes from the engine's pool, so pool
size, timeouts and the server's `statement_timeout` are the engine's.
"""

from __future__ import annotations

import asyncpg
import orjson
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from casino_club.persistence import fairness, idempotency
from casino_club.persistence.bets import (
    AnswerOf,
    RuleOf,
    ShortOfGold,
    Wager,
    Written,
    movements,
)
from casino_club.persistence.driver import for_asyncpg
from casino_club.persistence.wallet import posted_rows, required_balance, still_to_come

_CLAIM = for_asyncpg(idempotency.CLAIM["postgresql"])
_COMPLETE = for_asyncpg(idempotency.COMPLETE)
NEXT_ROUND = for_asyncpg(fairness.ADVANCE_NONCE)

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
            except BaseException:
                # Gone, or left inside a transaction (cancelled mid-rollback): SQLAlchemy's
                # reset on return does not know of this transaction, so never pool it.
                if driver.is_closed() or driver.is_in_transaction():
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
    claim = None
    if wager.key is not None:
        values = idempotency.claim_values(wager.key, now)
        record_id = await conn.fetchval(_CLAIM.sql, *_CLAIM.args(values))
        claim = idempotency.as_claim(wager.key, record_id)

    async def advance() -> fairness.AdvancedRow | None:
        row: fairness.AdvancedRow | None = await conn.fetchrow(
            NEXT_ROUND.sql, *NEXT_ROUND.args({"uid": wager.user_id})
        )
        return row

    fair_round = await fairness.take_round(advance, wager.user_id)
    outcome = rule(fair_round)
    moved = movements(wager, fair_round, outcome.payout)
    proof = fair_round.proof
    row = await conn.fetchrow(
        SETTLE,
        wager.user_id,
        sum(m.amount for m in moved),
        required_balance(moved),
        now,
        [m.amount for m in moved],
        still_to_come(moved),
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
    posted = posted_rows(moved, balance)
    written = Written(int(row["round_id"]), balance, posted, fair_round, outcome)
    if claim is not None:
        values = idempotency.complete_values(claim, answer(written), now)
        await conn.execute(_COMPLETE.sql, *_COMPLETE.args(values))
    return written
