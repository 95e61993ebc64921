"""`BetStore` on PostgreSQL, straight through the driver (asyncpg).

The same writes as `bets.write`, in one statement when it can: this process keeps each
player's next round (`round_cache`), decides the bet before it reaches the database,
and sends `SETTLE` alone (autocommit): it locks the seed row only if the round is still
the seed's next one, and then moves the gold, writes the ledger rows, advances the
nonce and the slot streak, records the history row and counts the play (stats,
missions); or, if the round was stale or the gold short, writes nothing (short gold is
then the answer).

Otherwise (no round known, or a stale one) the bet takes the locked path: BEGIN; the
key's claim (a keyed bet); the seed row locked and read (LOCK_ROUND: concurrent bets of
one player queue here); the daily loss limit (a player with one); the same `SETTLE`;
the key's stored answer, with the bet's events for a retry to announce again (the same
statement); COMMIT. A keyed or loss-limited bet always takes it, since its claim, check
and answer must share the bet's transaction. The claim, the lock, the loss
check and the answer are the session path's own Core statements compiled for the
driver (`persistence/driver.py`); `SETTLE` is this store's own SQL: the domain rules it
restates are rendered from their source (see the fragments above it), and
`tests/integration/test_bet_stores.py` holds it to writing the rows the session path
writes (wallet, ledger, nonce, streak, history, stats, missions) and answering the same
(XP, level, missions advanced, refusals).

The connection comes from the engine's pool, so pool size, timeouts and the server's
`statement_timeout` are the engine's.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import datetime
from typing import Any, NamedTuple, TypeVar

import asyncpg
import orjson
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from casino_club.domain.accounts import XP_PER_LEVEL, level_reached
from casino_club.domain.games import Game
from casino_club.domain.ledger import (
    posted_rows,
    required_balance,
    still_to_come,
)
from casino_club.domain.missions import EVER, Advance, MissionPeriod, play_counts
from casino_club.domain.progression import Progression
from casino_club.domain.stats import GOLD_PER_XP, PlayTotals, play_xp, xp_for
from casino_club.persistence import bets, fairness, idempotency, limits
from casino_club.persistence.bets import (
    AnnouncedOf,
    AnswerOf,
    Decide,
    Outcome,
    Refusal,
    RuleOf,
    SettledBet,
    Settlement,
    Wager,
    movements,
)
from casino_club.persistence.driver import DriverStatements, for_asyncpg
from casino_club.persistence.fairness import Round
from casino_club.persistence.idempotency import Claimed, KeyRequest
from casino_club.persistence.round_cache import RoundCache
from casino_club.persistence.unit_of_work import AfterCommit
from casino_club.persistence.wallet import ShortOfGold

log = logging.getLogger(__name__)
E = TypeVar("E")

_CLAIM = for_asyncpg(idempotency.CLAIM["postgresql"])
_COMPLETE = for_asyncpg(idempotency.COMPLETE)
LOCK_ROUND = for_asyncpg(fairness.LOCK_ROUND)
_LOSS_CHECK = for_asyncpg(limits.LOSS_CHECK)
_BALANCE = "SELECT gold FROM wallets WHERE user_id = $1::bigint"

# SETTLE restates, in SQL, rules whose one source is in the domain. Each is written once
# here, as a fragment named for the function it mirrors and rendered from that rule's
# constants; tests/integration/test_bet_stores.py holds each to its source (side by side
# with the session path, and the fragments against the functions).


def play_xp_sql(staked: str) -> str:
    """`domain.stats.play_xp`: the XP a game's total stake has earned. Stakes are never
    negative, so SQL's truncating division is Python's floor division."""
    return f"({staked}) / {GOLD_PER_XP}"


def level_for_xp_sql(xp: str) -> str:
    """`domain.accounts.level_for_xp`: the level of a player holding `xp`."""
    return f"({xp}) / {XP_PER_LEVEL} + 1"


def player_xp_sql(games: str = "") -> str:
    """`persistence/player_stats.TOTAL_XP`: the player's ($1) XP, from check-ins and
    rewards (`users.xp`) and from play, game by game (`play_xp_sql`); `games`: a
    condition on the games counted."""
    return f"""SELECT u.xp + COALESCE((SELECT sum({play_xp_sql("p.staked")})::bigint
        FROM player_stats p WHERE p.user_id = $1::bigint {games}), 0)
    FROM users u WHERE u.id = $1::bigint"""  # noqa: S608 (placeholders, never input)


def period_sql(period: str, day: str, week: str) -> str:
    """`domain.missions.Periods.of`: the period a mission of `period` counts in, given
    the game day's and the game week's."""
    return (
        f"CASE {period} WHEN '{MissionPeriod.DAILY.value}' THEN {day} "
        f"WHEN '{MissionPeriod.WEEKLY.value}' THEN {week} ELSE DATE '{EVER}' END"
    )


# `seed` locks the seed row only if the bet's round is still its next one (under READ
# COMMITTED a lock that waited re-checks these conditions on the row as committed), and
# everything after it runs only if it did and the wallet covered the stake (`FROM
# moved`): a stale round or short gold writes nothing. `round`, `stats` and
# `missions_step` are `game_rounds.record`'s twins (the history row, the game's totals,
# the missions); the last SELECT returns what `_settle` needs to tell the XP gained and
# the level reached (in Python, by the domain's functions).
#
# What each step restates, and where its rule lives:
# - moved, ledger: the movements and the balance they need up front come as parameters
#   from `domain.ledger` (`play_movements`, `required_balance`); each row's balance_after
#   is the final one minus `domain.ledger.still_to_come`, as `posted_rows` computes it.
# - advanced: the nonce as `persistence/fairness.next_round` takes it; the slot streak,
#   when the spin has one, is `domain.slots.settle`'s (`fairness.set_slot_win_streak`).
# - stats: `persistence/player_stats.COUNT`; a play's win and loss are
#   `domain.stats.PlayTotals.win`/`.loss` ($18, $19); an instant play has no multiplier
#   (`PlayTotals.multiplier` None: 0).
# - missions_step: `persistence/missions.ADVANCE`; the counts are
#   `domain.missions.play_counts`' ($22, $23), the periods `period_sql`; progress stops at
#   the target and a row at its target is not written again (`domain.missions.Advance`);
#   a mission below its minimum level counts nothing (`domain.missions.locked`), by the
#   level before this play (`level_for_xp_sql` of `player_xp_sql`, read from the
#   statement's snapshot, as `record` counts missions before stats); an instant play has
#   no multiplier, so a mission with a minimum one never counts it.
# - xp_elsewhere: read only when this stake earned XP (`domain.stats.xp_for` > 0): the
#   player's XP outside this game's play (`player_xp_sql` of the other games).
SETTLE = f"""
WITH seed AS (
    SELECT id FROM fairness_seeds
    WHERE id = $10::bigint AND active AND nonce = $17::bigint AND client_seed = $16::text
    FOR UPDATE
), moved AS (
    UPDATE wallets SET gold = gold + $2::bigint, updated_at = $4::timestamptz
    WHERE user_id = $1::bigint AND gold >= $3::bigint AND EXISTS (SELECT 1 FROM seed)
    RETURNING gold
), ledger AS (
    INSERT INTO ledger_entries (user_id, amount, balance_after, reason, reference, created_at)
    SELECT $1::bigint, m.amount, moved.gold - m.later, m.reason, $8::text, $4::timestamptz
    FROM moved, unnest($5::bigint[], $6::bigint[], $7::text[]) WITH ORDINALITY
        AS m(amount, later, reason, position)
    ORDER BY m.position
), advanced AS (
    UPDATE fairness_seeds
    SET nonce = nonce + 1, slot_win_streak = COALESCE($9::integer, slot_win_streak)
    FROM moved WHERE id = $10::bigint
), round AS (
    INSERT INTO game_history (user_id, game, stake, payout, outcome, seed_id,
        server_seed_hash, client_seed, nonce, created_at)
    SELECT $1::bigint, $11::text, $12::bigint, $13::bigint, $14::text, $10::bigint,
        $15::text, $16::text, $17::bigint, $4::timestamptz
    FROM moved
    RETURNING id
), stats AS (
    INSERT INTO player_stats (user_id, game, plays, wins, losses, staked, paid, biggest_win,
        best_multiplier)
    SELECT $1::bigint, $11::text, 1, $18::bigint, $19::bigint, $12::bigint, $13::bigint,
        $13::bigint, 0
    FROM moved
    ON CONFLICT (user_id, game) DO UPDATE SET
        plays = player_stats.plays + 1,
        wins = player_stats.wins + EXCLUDED.wins,
        losses = player_stats.losses + EXCLUDED.losses,
        staked = player_stats.staked + EXCLUDED.staked,
        paid = player_stats.paid + EXCLUDED.paid,
        biggest_win = GREATEST(player_stats.biggest_win, EXCLUDED.biggest_win),
        best_multiplier = GREATEST(player_stats.best_multiplier, EXCLUDED.best_multiplier)
    RETURNING staked
), missions_step AS (
    INSERT INTO mission_progress AS mp (user_id, mission_id, period, target, progress,
        completed_at, updated_at)
    SELECT $1::bigint, m.id, {period_sql("m.period", "$20::date", "$21::date")},
        m.target, LEAST(c.amount, m.target),
        CASE WHEN c.amount >= m.target THEN $4::timestamptz END, $4::timestamptz
    FROM moved, missions m
        JOIN unnest($22::text[], $23::bigint[]) AS c(event, amount) ON m.event = c.event
    WHERE m.active AND m.min_multiplier IS NULL
        AND (m.min_level IS NULL
            OR m.min_level <= {level_for_xp_sql(player_xp_sql())})
    ON CONFLICT (user_id, mission_id, period) DO UPDATE SET
        progress = LEAST(mp.progress + EXCLUDED.progress, mp.target),
        completed_at = CASE WHEN mp.progress + EXCLUDED.progress >= mp.target
            THEN EXCLUDED.updated_at END,
        updated_at = EXCLUDED.updated_at
    WHERE mp.progress < mp.target
    RETURNING mission_id, progress, target
)
SELECT (SELECT gold FROM moved) AS balance, (SELECT id FROM round) AS round_id,
    EXISTS (SELECT 1 FROM seed) AS fresh,
    (SELECT gold FROM wallets WHERE user_id = $1::bigint) AS balance_before,
    (SELECT staked FROM stats) AS staked_after,
    CASE WHEN {play_xp_sql("SELECT staked FROM stats")}
            > {play_xp_sql("(SELECT staked FROM stats) - $12::bigint")}
        THEN ({player_xp_sql(games="AND p.game <> $11::text")})
    END AS xp_elsewhere,
    (SELECT array_agg(mission_id ORDER BY mission_id) FROM missions_step) AS mission_ids,
    (SELECT array_agg(progress ORDER BY mission_id) FROM missions_step) AS mission_progress,
    (SELECT array_agg(target ORDER BY mission_id) FROM missions_step) AS mission_targets
"""  # noqa: S608 (rendered from the domain's constants, never from input)


def settle_args(wager: Wager, fair_round: Round, outcome: Outcome, units: int = 1) -> list[Any]:
    """SETTLE's arguments: the bet's movements, outcome and proof; `units`: the items a
    gacha pull drew (missions count each)."""
    moved = movements(wager, fair_round, outcome.payout)
    proof = fair_round.proof
    totals = PlayTotals(wager.stake, outcome.payout)
    counts = play_counts(Game(wager.game), totals, units)
    return [
        wager.user_id,
        sum(m.amount for m in moved),
        required_balance(moved),
        wager.placed_at,
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
        totals.win,
        totals.loss,
        wager.periods.day,
        wager.periods.week,
        [event.value for event, _ in counts],
        [amount for _, amount in counts],
    ]


class PostgresBetStore:
    def __init__(self, engine: AsyncEngine, rounds: RoundCache | None = None) -> None:
        self._engine = engine
        self._rounds = rounds or RoundCache()

    async def place(
        self, wager: Wager, rule: RuleOf, answer: AnswerOf, announced: AnnouncedOf
    ) -> SettledBet | Refusal:
        async with _checked_out(self._engine) as driver:
            written = await self._place(driver, wager, rule, _Told(answer, announced))
        if isinstance(written, SettledBet):
            self._rounds.after(wager.user_id, written.fair_round, written.outcome.slot_win_streak)
        return written

    @asynccontextmanager
    async def staged(self) -> AsyncIterator[DriverStagedBet]:
        async with _checked_out(self._engine) as driver:
            transaction = driver.transaction()
            await transaction.start()
            bet = DriverStagedBet(driver, transaction, self._rounds)
            try:
                yield bet
            except BaseException:
                # What failed is what the caller hears. A rollback that cannot run (a
                # commit cancelled mid-flight leaves the transaction failed, and asyncpg
                # refuses it) must not replace it: a shutdown's CancelledError turned
                # into an InterfaceError kept the crash sweep running, and the shutdown
                # waiting. The connection is not pooled again (_checked_out).
                if not bet.committed and not driver.is_closed():
                    with suppress(asyncpg.InterfaceError, asyncpg.PostgresError):
                        await transaction.rollback()
                raise
            if not bet.committed and not driver.is_closed():
                await transaction.rollback()
        await bet.announce()  # the connection back in the pool first

    async def _place(
        self, driver: asyncpg.Connection, wager: Wager, rule: RuleOf, told: _Told
    ) -> SettledBet | Refusal:
        # A keyed bet, or one a loss limit checks, needs the locked path's transaction.
        fast = wager.key is None and wager.loss_day_start is None
        known = self._rounds.get(wager.user_id) if fast else None
        if known is not None:
            written = await _settle(driver, wager, known, rule(known))
            if written is not None:
                return written
        # No round known, or a stale one: the locked path decides.
        self._rounds.forget(wager.user_id)
        try:
            async with driver.transaction():
                locked = await _locked_write(driver, wager, rule, told)
                if not isinstance(locked, SettledBet):
                    raise _Refused(locked)
        except _Refused as refused:
            return refused.refusal
        return locked


class DriverStagedBet:
    """A staged bet's transaction on the driver: `bets.write`'s steps, the game's and
    their statements sent by the driver. The seed row is locked, not advanced, before the
    game decides; a finished play that moves gold (gacha, a paid wheel spin) is then
    written as an instant bet's locked path writes it (the loss check, SETTLE, the key's
    answer), anything else (a round that goes on, a free play) by `bets.settle` once the
    nonce is taken."""

    def __init__(
        self,
        driver: asyncpg.Connection,
        transaction: asyncpg.transaction.Transaction,
        rounds: RoundCache,
    ) -> None:
        self.db = DriverStatements(driver)
        self.committed = False
        self._driver = driver
        self._transaction = transaction
        self._rounds = rounds
        self._after_commit: list[AfterCommit] = []
        self._settled: tuple[int, Round] | None = None

    def after_commit(self, action: AfterCommit) -> None:
        self._after_commit.append(action)

    async def write(
        self, user_id: int, key: KeyRequest | None, at: datetime, decide: Decide[E]
    ) -> SettledBet | Refusal | E:
        db, conn = self.db, self._driver
        claim = await idempotency.claim_if_keyed(db, key, at)
        fair_round = await locked_round(conn, user_id)
        settlement = await decide(fair_round)
        if not isinstance(settlement, Settlement):
            return settlement
        wager, outcome = settlement.wager, settlement.outcome
        written: SettledBet | Refusal
        if settlement.open_round is None and movements(wager, fair_round, outcome.payout):
            play = _Play(wager, fair_round, outcome, settlement.units)
            told = _Told(settlement.answer, settlement.announced)
            written = await _write_play(conn, claim, play, told)
        else:
            taken = await fairness.next_round(db, user_id)
            assert taken == fair_round, "the seed row is held: the round it locked"
            written = await bets.settle(db, claim, fair_round, settlement)
        if isinstance(written, SettledBet):
            self._settled = (user_id, written.fair_round)
        return written

    async def commit(self) -> None:
        await self._transaction.commit()
        self.committed = True
        if self._settled is not None:
            self._rounds.after(*self._settled, None)

    async def announce(self) -> None:
        """The after-commit work, once the connection is back in the pool."""
        actions, self._after_commit = self._after_commit, []
        if not self.committed:
            return
        for action in actions:
            try:
                await action()
            except Exception:
                # The transaction stands; a lost notification must not turn it into an error.
                log.exception("after-commit action failed")


class _Refused(Exception):
    """Roll the bet's transaction back (the key's claim) and answer why."""

    def __init__(self, refusal: Refusal) -> None:
        self.refusal = refusal


@asynccontextmanager
async def _checked_out(engine: AsyncEngine) -> AsyncIterator[asyncpg.Connection]:
    """A pooled connection's driver, for statements SQLAlchemy does not see."""
    async with engine.connect() as pooled:
        driver = await _driver(pooled)
        try:
            yield driver
        except BaseException as failure:
            # Gone, or left inside a transaction: SQLAlchemy's reset on return does not
            # know of this transaction, so never pool it. Nor one interrupted mid-flight,
            # whose state the driver may not know yet (e.g. a BEGIN whose answer had not
            # arrived: pooled, the next user's autocommit statement ran inside it, locked
            # the seed row and never committed; seen in the cancellation test).
            closed = driver.is_closed()
            interrupted = isinstance(failure, asyncio.CancelledError)
            if closed or interrupted or driver.is_in_transaction():
                await pooled.invalidate()
            if closed and isinstance(failure, asyncpg.InterfaceError):
                # "connection is closed": the database went away, not a bug here; the
                # session path reports the same as SERVICE_UNAVAILABLE.
                raise ConnectionError("the database connection was lost") from failure
            raise


async def _driver(pooled: AsyncConnection) -> asyncpg.Connection:
    raw = await pooled.get_raw_connection()
    driver: asyncpg.Connection = raw.driver_connection
    return driver


async def _settle(
    conn: asyncpg.Connection, wager: Wager, fair_round: Round, outcome: Outcome, units: int = 1
) -> SettledBet | ShortOfGold | None:
    """SETTLE: the bet written, ShortOfGold, or None when the round was stale."""
    row = await conn.fetchrow(SETTLE, *settle_args(wager, fair_round, outcome, units))
    assert row is not None  # a SELECT without FROM always returns its one row
    if not row["fresh"]:
        return None
    if row["balance"] is None:
        required = required_balance(movements(wager, fair_round, outcome.payout))
        balance = row["balance_before"]  # as the statement's snapshot saw it
        if balance is not None and balance >= required:
            # A payment committed during the statement: tell the balance as it is now.
            balance = await conn.fetchval(_BALANCE, wager.user_id)
        return ShortOfGold(required, int(balance or 0))
    balance = int(row["balance"])
    posted = posted_rows(movements(wager, fair_round, outcome.payout), balance)
    level = xp = None
    if row["xp_elsewhere"] is not None:  # the stake earned XP
        staked = int(row["staked_after"])
        xp = int(row["xp_elsewhere"]) + play_xp(staked)
        level = level_reached(xp - xp_for(staked - wager.stake, wager.stake), xp)
    advanced = tuple(
        Advance(int(m), int(p), int(t))
        for m, p, t in zip(
            row["mission_ids"] or (),
            row["mission_progress"] or (),
            row["mission_targets"] or (),
            strict=True,
        )
    )
    progression = Progression(level, advanced, xp)
    return SettledBet(int(row["round_id"]), balance, posted, fair_round, outcome, progression)


async def locked_round(conn: asyncpg.Connection, user_id: int) -> Round:
    """The player's next round, its seed row locked until the transaction ends."""

    async def lock() -> fairness.RoundRow | None:
        row: fairness.RoundRow | None = await conn.fetchrow(
            LOCK_ROUND.sql, *LOCK_ROUND.args({"uid": user_id})
        )
        return row

    return await fairness.take_round(lock, user_id)


async def _locked_write(
    conn: asyncpg.Connection, wager: Wager, rule: RuleOf, told: _Told
) -> SettledBet | Refusal:
    now = wager.placed_at
    claim = None
    if wager.key is not None:
        values = idempotency.claim_values(wager.key, now)
        record_id = await conn.fetchval(_CLAIM.sql, *_CLAIM.args(values))
        claim = idempotency.as_claim(wager.key, record_id)
    fair_round = await locked_round(conn, wager.user_id)
    return await _write_play(conn, claim, _Play(wager, fair_round, rule(fair_round)), told)


class _Told(NamedTuple):
    """What a keyed bet stores under its key, made from what was written: the answer a
    retry gets, and what the bet announces (the retry announces it again)."""

    answer: AnswerOf
    announced: AnnouncedOf


class _Play(NamedTuple):
    """A finished play, decided on its locked round."""

    wager: Wager
    fair_round: Round
    outcome: Outcome
    units: int = 1  # gacha: the items drawn (missions count each)


async def _write_play(
    conn: asyncpg.Connection, claim: Claimed | None, play: _Play, told: _Told
) -> SettledBet | Refusal:
    """The locked path's writes: the loss check, SETTLE, the key's answer."""
    wager, fair_round = play.wager, play.fair_round
    now = wager.placed_at
    if wager.loss_day_start is not None and wager.stake:  # a free play loses nothing
        values = {"uid": wager.user_id, "since": wager.loss_day_start}
        row = await conn.fetchrow(_LOSS_CHECK.sql, *_LOSS_CHECK.args(values))
        over = limits.loss_verdict(row, wager.stake, now)
        if over is not None:
            return over
    written = await _settle(conn, wager, fair_round, play.outcome, play.units)
    if written is None:
        raise RuntimeError("the seed row changed while this transaction held its lock")
    if isinstance(written, SettledBet) and claim is not None:
        stored, announced = told.answer(written), told.announced(written)
        values = idempotency.complete_values(claim, stored, now, announced)
        await conn.execute(_COMPLETE.sql, *_COMPLETE.args(values))
    return written
