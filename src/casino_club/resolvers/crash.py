"""Crash (SPEC §6.4): a round lives from the bet until a cash-out, the auto-cash-out or
the crash.

The database row is the round's state: the stake is debited in the transaction that
opens it, and every settlement — the player's cash-out, a lazy settlement on access,
the sweeper — locks the row, reads the server clock *after* holding it, and moves it
from OPEN once. So the order in which settlements reach the row is the order of server
time, a restart loses nothing (open rounds are still there, and the sweeper settles the
ones that ended meanwhile), and a round is paid at most once however many instances
race for it. Live ticks are computed from the start time and the curve; the end of a
round reaches its subscribers over the event bus (`crash:{roundId}`), from whichever
instance settled it.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from casino_club.context import Context, Viewer
from casino_club.domain import crash
from casino_club.domain.crash import (
    ActiveRoundExists,
    CrashBetPlaced,
    CrashCashedOut,
    CrashRound,
    CrashRoundLost,
    CrashTick,
    Ending,
    Plan,
    RoundFilter,
    RoundNotFound,
    RoundStatus,
    TickKind,
)
from casino_club.domain.days import check_instant
from casino_club.domain.fairness import take
from casino_club.domain.games import Game, GameEventType, exact_text
from casino_club.domain.hundredths import display, float_hundredths
from casino_club.domain.ledger import Movement, round_reference
from casino_club.domain.missions import periods_at
from casino_club.domain.refusals import BetRefusal, RateLimited, ValidationFailed
from casino_club.live.events import crash_channel
from casino_club.persistence import crash as crash_rounds
from casino_club.persistence import game_rounds, wallet
from casino_club.persistence.crash import StoredRound as CrashRoundRow
from casino_club.persistence.crash import elapsed_ms, plan_of
from casino_club.persistence.driver import Statements
from casino_club.persistence.fairness import proof_of
from casino_club.persistence.game_rounds import PlayRecord
from casino_club.persistence.unit_of_work import AfterCommit
from casino_club.resolvers import betting, leaderboard_feed
from casino_club.resolvers.betting import BetReceipt, Decision, OpenBet
from casino_club.resolvers.guards import rate_limited
from casino_club.resolvers.leaderboard_feed import FinishedPlay
from casino_club.resolvers.live import bet_events, publish
from casino_club.services import Services

log = logging.getLogger(__name__)


class UnknownRound(Exception):
    """No round with this id belongs to the caller."""


KIND = betting.BetKind(
    game=Game.CRASH,
    operation="crashBet",
    event=GameEventType.CRASH_BET,
    success=CrashBetPlaced,
)
PUBLISHED_ODDS = (101, 150, 200, 300, 500, 1_000, 2_000, 5_000, 10_000, 100_000)
SWEEP_BATCH = 100


def config(services: Services) -> crash.CrashConfig:
    settings = services.settings
    return crash.CrashConfig(
        rtp=crash.RETURN_PERCENT / 100,
        house_edge_percent=100 - crash.RETURN_PERCENT,
        curve="m(t) = e^(0.06·t), t in seconds of server time, shown rounded down to 0.01",
        growth_per_second=float(crash.GROWTH_PER_SECOND),
        tick_interval_ms=settings.crash_tick_interval_ms,
        min_stake=settings.crash_min_stake,
        max_stake=settings.crash_max_stake,
        min_auto_cashout=display(crash.MIN_AUTO_CASHOUT),
        max_auto_cashout=display(crash.MAX_AUTO_CASHOUT),
        instant_crash_probability=float(crash.instant_crash_probability()),
        settle_within_seconds=math.ceil(settings.crash_sweep_interval_seconds),
        odds=tuple(
            crash.CrashOdds(
                multiplier=display(m),
                probability=float(crash.survival(m)),
                exact=exact_text(crash.exact_survival(m)),
            )
            for m in PUBLISHED_ODDS
        ),
    )


def view(row: CrashRoundRow, now: datetime) -> CrashRound:
    """The round as a player may see it: no crash point until it has ended."""
    status = RoundStatus(row.status)
    if status is RoundStatus.OPEN:
        elapsed = crash.last_running_ms(plan_of(row), elapsed_ms(row, now))
        multiplier = crash.multiplier_at(elapsed)
    else:
        elapsed = row.ended_ms or 0
        multiplier = row.cashout_multiplier or row.crash_point
    ended = status is not RoundStatus.OPEN
    return CrashRound(
        id=row.id,
        user_id=row.user_id,
        status=status,
        stake=row.stake,
        auto_cashout=None if row.auto_cashout is None else display(row.auto_cashout),
        started_at=row.started_at,
        elapsed_ms=elapsed,
        multiplier=display(multiplier),
        crash_point=display(row.crash_point) if ended else None,
        payout=row.payout,
        settled_at=row.settled_at,
        fairness=proof_of(row),
    )


async def bet(
    context: Context,
    viewer: Viewer,
    stake: int,
    auto_cashout: float | None,
    key: str | None,
) -> CrashBetPlaced | ActiveRoundExists | BetRefusal:
    settings = context.services.settings
    auto: int | None = None
    if auto_cashout is not None:
        auto = float_hundredths(auto_cashout)
        if auto is None or not crash.MIN_AUTO_CASHOUT <= auto <= crash.MAX_AUTO_CASHOUT:
            return ValidationFailed.single(
                "autoCashout",
                "INVALID_AUTO_CASHOUT",
                "must be 1.01-1000000.00 in steps of 0.01",
            )

    request = betting.BetRequest(
        KIND,
        key=key,
        parameters={"autoCashout": auto},
        stake=stake,
        stake_limits=(settings.crash_min_stake, settings.crash_max_stake),
    )
    return await betting.place_staged(
        context, viewer, request, CrashBet(stake, auto, context.services)
    )


@dataclass(frozen=True, slots=True)
class CrashBet:
    """A crash bet: the stake is paid now, the play is recorded when the round ends."""

    stake: int
    auto_cashout: int | None
    services: Services  # to settle, on the way, a previous round that has ended

    async def decide(self, bet: OpenBet) -> Decision[CrashBetPlaced] | ActiveRoundExists:
        # The seed row the bet holds queues one player's bets, so each sees the round the
        # one before opened (the partial unique index on open rounds is the backstop).
        db, now = bet.db, bet.now
        previous = await crash_rounds.open_round_of(db, bet.user_id, lock=True)
        if previous is not None:
            ended = crash.ending_by(plan_of(previous), elapsed_ms(previous, now))
            if ended is None:
                return ActiveRoundExists(view(previous, now))
            await _settle(bet, self.services, previous, ended, now)
        (u,) = take(bet.fair_round.source, 1)
        plan = Plan(crash_point=crash.crash_point(u), auto_cashout=self.auto_cashout)
        row = await crash_rounds.open_new(
            db,
            user_id=bet.user_id,
            stake=self.stake,
            plan=plan,
            fairness_round=bet.fair_round,
            now=now,
        )
        shown = view(row, now)

        def answer(placed: BetReceipt) -> CrashBetPlaced:
            return CrashBetPlaced(round=shown, balance=placed.balance)

        auto = self.auto_cashout
        return Decision(
            cost=self.stake,
            payout=0,
            details={"autoCashout": None if auto is None else display(auto)},
            answer=answer,
            open_round=row.id,
        )


async def cash_out(
    context: Context, viewer: Viewer, round_id: int | None
) -> CrashCashedOut | CrashRoundLost | RoundNotFound | RateLimited:
    """Cash out of the caller's round `round_id` (None: an id that names no round)."""
    if round_id is None:
        return RoundNotFound()
    # A running round must not be lost to a Redis outage: the limit fails open here.
    limited = await rate_limited(context, viewer, fail_open=True)
    if limited is not None:
        return limited
    services = context.services
    # The bet store's transaction: on PostgreSQL the driver itself, as for a bet.
    async with services.bets.staged() as tx:
        row = await crash_rounds.find(tx.db, round_id, user_id=viewer.id, lock=True)
        if row is None:
            return RoundNotFound()
        # Read the clock only while holding the round: settlements apply in time order.
        now = services.clock.now()
        replayed = row.status != RoundStatus.OPEN.value
        if not replayed:
            ending = crash.cash_out(plan_of(row), elapsed_ms(row, now))
            row = await _settle(tx, services, row, ending, now)
        balance = await wallet.balance_of(tx.db, viewer.id)
        await tx.commit()
    return _cash_out_result(row, balance, now, replayed=replayed)


def _cash_out_result(
    row: CrashRoundRow, balance: int, now: datetime, *, replayed: bool
) -> CrashCashedOut | CrashRoundLost:
    shown = view(row, now)
    if row.status == RoundStatus.CASHED_OUT.value and row.cashout_multiplier is not None:
        return CrashCashedOut(
            round=shown,
            multiplier=display(row.cashout_multiplier),
            payout=row.payout or 0,
            balance=balance,
            replayed=replayed,
        )
    return CrashRoundLost(round=shown, crash_point=display(row.crash_point))


class _InTransaction(Protocol):
    """Writes inside someone else's transaction: its statements and its after-commit
    work, not its commit (a bet's, or the bet store's for a settlement)."""

    @property
    def db(self) -> Statements: ...

    def after_commit(self, action: AfterCommit) -> None: ...


async def _settle(
    tx: _InTransaction, services: Services, row: CrashRoundRow, ending: Ending, now: datetime
) -> CrashRoundRow:
    """Credit any payout, write history, close the round; publish after the commit. The
    round as settled.

    The caller holds the row (locked) and commits.
    """
    db = tx.db
    payout = ending.payout(row.stake)
    reference = round_reference(Game.CRASH.value, row.seed_id, row.nonce)
    posted = (
        await wallet.move_gold(
            db,
            user_id=row.user_id,
            movements=[Movement(payout, KIND.win_reason, reference)],
            now=now,
        )
        if payout
        else []
    )
    outcome = {
        "roundId": row.id,
        "status": ending.status.value,
        "crashPoint": display(row.crash_point),
        "cashoutMultiplier": (
            display(ending.multiplier) if ending.status is RoundStatus.CASHED_OUT else None
        ),
        "autoCashout": None if row.auto_cashout is None else display(row.auto_cashout),
        "endedMs": ending.at_ms,
    }
    played = PlayRecord(
        user_id=row.user_id,
        game=Game.CRASH.value,
        stake=row.stake,
        payout=payout,
        outcome=outcome,
        seed_id=row.seed_id,
        proof=proof_of(row),
        at=now,
        periods=periods_at(now, services.settings.zone),
        multiplier=ending.multiplier if ending.status is RoundStatus.CASHED_OUT else None,
    )
    recorded = await game_rounds.record(db, played)
    row = await crash_rounds.mark_settled(db, row, ending, history_id=recorded.round_id, now=now)
    user_events = bet_events(
        posted,
        GameEventType.CRASH_SETTLED,
        round_id=row.id,
        data={**outcome, "stake": row.stake, "payout": payout},
        at=now,
        progression=recorded.progression,
    )
    final = _final_event(row)
    user_id, round_id = row.user_id, row.id
    finished = FinishedPlay(Game.CRASH, row.stake, payout, played.periods)

    async def events() -> None:
        # The player's events first, then the round's end to its watchers, as always.
        await publish(services, user_id, user_events)
        await services.outbox.publish([(crash_channel(round_id), [final])])

    async def after_commit() -> None:
        # The leaderboards beside the events: their Redis scripts are in flight at once
        # (each on its own connection), not one after the other. Neither raises (each
        # logs, or keeps what Redis would not take).
        await asyncio.gather(
            events(),
            leaderboard_feed.feed(services, user_id, play=finished, xp=recorded.progression.xp),
        )

    tx.after_commit(after_commit)
    return row


async def settle_if_ended(services: Services, round_id: int) -> CrashRoundRow | None:
    """Settle the round if it has ended by now (lazily, on access); the round as it is."""
    async with services.bets.staged() as tx:
        row = await crash_rounds.find(tx.db, round_id, lock=True)
        if row is not None and row.status == RoundStatus.OPEN.value:
            now = services.clock.now()
            ended = crash.ending_by(plan_of(row), elapsed_ms(row, now))
            if ended is not None:
                row = await _settle(tx, services, row, ended, now)
        # Also when nothing changed: it releases the lock.
        await tx.commit()
    return row


async def sweep(services: Services) -> int:
    """Settle every round that ended with nobody watching; how many were settled.

    A round that fails to settle is logged and left for the next sweep; the others go
    on (one bad row must not keep every other player's round open).
    """
    settled = 0
    failed: set[int] = set()
    while True:
        async with services.sessionmaker() as session:
            due = await crash_rounds.due_ids(
                session, services.clock.now(), SWEEP_BATCH, skip=failed
            )
        for round_id in due:
            try:
                row = await settle_if_ended(services, round_id)
            except Exception:
                log.exception("crash round %d did not settle; the next sweep retries it", round_id)
                failed.add(round_id)
                continue
            settled += row is not None and row.status != RoundStatus.OPEN.value
        if len(due) < SWEEP_BATCH:
            return settled


async def find_round(context: Context, viewer: Viewer, round_id: int) -> CrashRound | None:
    """One of the caller's rounds, settled first if it has ended."""
    services = context.services
    async with services.sessionmaker() as session:
        row = await crash_rounds.find(session, round_id, user_id=viewer.id)
    if row is None:
        return None
    return await _current(services, row)


async def active_round(context: Context, viewer: Viewer) -> CrashRound | None:
    services = context.services
    async with services.sessionmaker() as session:
        row = await crash_rounds.open_round_of(session, viewer.id)
    if row is None:
        return None
    current = await _current(services, row)
    return current if current.status is RoundStatus.OPEN else None


async def _current(services: Services, row: CrashRoundRow) -> CrashRound:
    now = services.clock.now()
    if row.status == RoundStatus.OPEN.value and row.settles_at <= now:
        row = await settle_if_ended(services, row.id) or row
    return view(row, services.clock.now())


async def rounds(
    context: Context, where: RoundFilter, *, after_id: int | None, limit: int
) -> list[CrashRound]:
    """Operators' list of every player's rounds, newest first, after the round `after_id`;
    ended ones are not settled here (the sweeper does that within a second), running ones
    keep their crash point."""
    check_instant("startedFrom", where.started_from)
    check_instant("startedBefore", where.started_before)
    services = context.services
    async with services.sessionmaker() as session:
        rows = await crash_rounds.page(session, where, after_id=after_id, limit=limit)
    now = services.clock.now()
    return [view(row, now) for row in rows]


async def rounds_of(context: Context, user_id: int, ids: list[int]) -> list[CrashRound]:
    """The player's rounds among `ids` (another player's are not found), settled first
    if they have ended."""
    services = context.services
    async with services.sessionmaker() as session:
        rows = await crash_rounds.owned(session, user_id, ids)
    return [await _current(services, row) for row in rows]


async def follow(
    services: Services, viewer: Viewer, round_id: int | None
) -> AsyncIterator[CrashTick]:
    """Ticks of a running round every tick interval, then how it ended.

    Subscribes before reading the round, so a settlement committed after the read is
    never missed; when the round ends by itself, settles it (lazily) and reports what
    the database says — a cash-out that reached the round first wins. `round_id` None
    (an id that names no round) is an unknown round.
    """
    if round_id is None:
        raise UnknownRound
    interval = services.settings.crash_tick_interval_ms
    async with services.events.subscribe(crash_channel(round_id)) as stream:
        async with services.sessionmaker() as session:
            row = await crash_rounds.find(session, round_id, user_id=viewer.id)
        if row is None:
            raise UnknownRound(round_id)
        plan = plan_of(row)
        while row.status == RoundStatus.OPEN.value:
            elapsed = elapsed_ms(row, services.clock.now())
            if elapsed >= plan.ends_ms:
                row = await settle_if_ended(services, round_id) or row
                if row.status == RoundStatus.OPEN.value:
                    raise RuntimeError(f"crash round {round_id} did not settle at its end")
                break
            yield CrashTick(
                round_id=round_id,
                kind=TickKind.TICK,
                multiplier=display(crash.multiplier_at(elapsed)),
                elapsed_ms=elapsed,
                crash_point=None,
                payout=None,
            )
            next_tick = (elapsed // interval + 1) * interval
            final = await stream.next(within=(min(next_tick, plan.ends_ms) - elapsed) / 1000)
            if final is not None:
                yield _final_tick(round_id, final)
                return
    yield _final_tick(round_id, _final_event(row))


def _final_event(row: CrashRoundRow) -> dict[str, Any]:
    """How a settled round ended, as published on `crash:{roundId}`."""
    return {
        "kind": "crash",
        "status": row.status,
        "multiplier": row.cashout_multiplier or row.crash_point,
        "elapsedMs": row.ended_ms or 0,
        "crashPoint": row.crash_point,
        "payout": row.payout or 0,
    }


def _final_tick(round_id: int, final: dict[str, Any]) -> CrashTick:
    status = RoundStatus(final["status"])
    cashed = status is RoundStatus.CASHED_OUT
    return CrashTick(
        round_id=round_id,
        kind=TickKind.CASHED_OUT if cashed else TickKind.CRASHED,
        multiplier=display(final["multiplier"]),
        elapsed_ms=final["elapsedMs"],
        crash_point=None if cashed else display(final["crashPoint"]),
        payout=final["payout"] if cashed else None,
    )
