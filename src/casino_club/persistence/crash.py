"""Crash rounds: open, look up (locked for settling), settle once, list for operators."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.domain.crash import Ending, Plan, RoundFilter, RoundStatus
from casino_club.persistence.fairness import Round
from casino_club.persistence.models import CrashRound


def plan_of(row: CrashRound) -> Plan:
    return Plan(crash_point=row.crash_point, auto_cashout=row.auto_cashout)


def elapsed_ms(row: CrashRound, now: datetime) -> int:
    """Whole milliseconds of server time since the round started."""
    return max(0, (now - row.started_at) // timedelta(milliseconds=1))


async def open_round_of(
    session: AsyncSession, user_id: int, *, lock: bool = False
) -> CrashRound | None:
    """The player's open round (locked until the transaction ends, if asked)."""
    query = select(CrashRound).where(
        CrashRound.user_id == user_id, CrashRound.status == RoundStatus.OPEN.value
    )
    if lock:
        query = query.with_for_update()
    return await session.scalar(query)


async def find(
    session: AsyncSession, round_id: int, *, user_id: int | None = None, lock: bool = False
) -> CrashRound | None:
    """A round by id (only the given player's, if one is given)."""
    query = select(CrashRound).where(CrashRound.id == round_id)
    if user_id is not None:
        query = query.where(CrashRound.user_id == user_id)
    if lock:
        query = query.with_for_update()
    return await session.scalar(query)


async def owned(session: AsyncSession, user_id: int, ids: Sequence[int]) -> list[CrashRound]:
    """The player's rounds among `ids`."""
    query = select(CrashRound).where(CrashRound.user_id == user_id, CrashRound.id.in_(ids))
    return list((await session.scalars(query)).all())


async def open_new(
    session: AsyncSession,
    *,
    user_id: int,
    stake: int,
    plan: Plan,
    fairness_round: Round,
    now: datetime,
) -> CrashRound:
    proof = fairness_round.proof
    row = CrashRound(
        user_id=user_id,
        status=RoundStatus.OPEN.value,
        stake=stake,
        auto_cashout=plan.auto_cashout,
        crash_point=plan.crash_point,
        seed_id=fairness_round.seed_id,
        server_seed_hash=proof.server_seed_hash,
        client_seed=proof.client_seed,
        nonce=proof.nonce,
        started_at=now,
        settles_at=now + timedelta(milliseconds=plan.ends_ms),
    )
    session.add(row)
    await session.flush()
    return row


async def mark_settled(
    session: AsyncSession, row: CrashRound, ending: Ending, *, history_id: int, now: datetime
) -> None:
    """OPEN → ended, exactly once: the caller holds the row, and the update re-checks."""
    payout = ending.payout(row.stake)
    result = await session.execute(
        update(CrashRound)
        .where(CrashRound.id == row.id, CrashRound.status == RoundStatus.OPEN.value)
        .values(
            status=ending.status.value,
            settled_at=now,
            cashout_multiplier=(
                ending.multiplier if ending.status is RoundStatus.CASHED_OUT else None
            ),
            ended_ms=ending.at_ms,
            payout=payout,
            history_id=history_id,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise RuntimeError(f"crash round {row.id} was settled concurrently")
    await session.refresh(row)


async def due_ids(
    session: AsyncSession, now: datetime, limit: int, *, skip: Collection[int] = ()
) -> list[int]:
    """Open rounds that have ended by themselves (crashed or auto-cashed out) by `now`,
    except those in `skip`."""
    query = select(CrashRound.id).where(
        CrashRound.status == RoundStatus.OPEN.value, CrashRound.settles_at <= now
    )
    if skip:
        query = query.where(CrashRound.id.not_in(skip))
    rows = await session.scalars(query.order_by(CrashRound.settles_at).limit(limit))
    return list(rows.all())


async def page(
    session: AsyncSession, where: RoundFilter, *, after_id: int | None, limit: int
) -> list[CrashRound]:
    query = select(CrashRound)
    if where.user_id is not None:
        query = query.where(CrashRound.user_id == where.user_id)
    if where.status is not None:
        query = query.where(CrashRound.status == where.status.value)
    if where.started_from is not None:
        query = query.where(CrashRound.started_at >= where.started_from)
    if where.started_before is not None:
        query = query.where(CrashRound.started_at < where.started_before)
    if after_id is not None:
        query = query.where(CrashRound.id < after_id)
    return list((await session.scalars(query.order_by(CrashRound.id.desc()).limit(limit))).all())


async def unsettled_on_seed(session: AsyncSession, user_id: int, seed_id: int) -> int | None:
    """The id of the player's open round decided by this seed, if there is one."""
    return await session.scalar(
        select(CrashRound.id).where(
            CrashRound.user_id == user_id,
            CrashRound.status == RoundStatus.OPEN.value,
            CrashRound.seed_id == seed_id,
        )
    )
