"""Crash rounds: open, look up (locked for settling), settle once, list for operators."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.domain.crash import Ending, Plan, RoundFilter, RoundStatus
from casino_club.persistence.driver import Statements, statements
from casino_club.persistence.fairness import Round
from casino_club.persistence.models import CrashRound, table

_rounds = table(CrashRound)
_OPEN = RoundStatus.OPEN.value


@dataclass(frozen=True, slots=True)
class StoredRound:
    """A crash round's row, as read or as a statement left it."""

    id: int
    user_id: int
    status: str
    stake: int
    auto_cashout: int | None
    crash_point: int
    seed_id: int
    server_seed_hash: str
    client_seed: str
    nonce: int
    started_at: datetime
    settles_at: datetime
    settled_at: datetime | None
    cashout_multiplier: int | None
    ended_ms: int | None
    payout: int | None
    history_id: int | None


# A bet's and a settlement's statements are Core, built once, run through `Statements`
# (the session, or the driver on PostgreSQL); each returns the whole row.
_OPEN_ROUND_OF = select(_rounds).where(
    _rounds.c.user_id == bindparam("uid"), _rounds.c.status == _OPEN
)
_OPEN_ROUND_OF_LOCKED = _OPEN_ROUND_OF.with_for_update()
_FIND = select(_rounds).where(_rounds.c.id == bindparam("rid"))
_FIND_LOCKED = _FIND.with_for_update()
_FIND_OWNED = _FIND.where(_rounds.c.user_id == bindparam("uid"))
_FIND_OWNED_LOCKED = _FIND_OWNED.with_for_update()
# Bind names differ from the columns': SQLAlchemy reserves those in an INSERT and SET.
_OPEN_NEW = (
    insert(_rounds)
    .values(
        user_id=bindparam("uid"),
        status=_OPEN,
        stake=bindparam("staked"),
        auto_cashout=bindparam("auto"),
        crash_point=bindparam("point"),
        seed_id=bindparam("sid"),
        server_seed_hash=bindparam("seed_hash"),
        client_seed=bindparam("client"),
        nonce=bindparam("n"),
        started_at=bindparam("at"),
        settles_at=bindparam("ends_at"),
    )
    .returning(*_rounds.c)
)
_MARK_SETTLED = (
    update(_rounds)
    .where(_rounds.c.id == bindparam("rid"), _rounds.c.status == _OPEN)
    .values(
        status=bindparam("to_status"),
        settled_at=bindparam("at"),
        cashout_multiplier=bindparam("multiplier"),
        ended_ms=bindparam("ended"),
        payout=bindparam("paid"),
        history_id=bindparam("hid"),
    )
    .returning(*_rounds.c)
)


def plan_of(row: StoredRound) -> Plan:
    return Plan(crash_point=row.crash_point, auto_cashout=row.auto_cashout)


def elapsed_ms(row: StoredRound, now: datetime) -> int:
    """Whole milliseconds of server time since the round started."""
    return max(0, (now - row.started_at) // timedelta(milliseconds=1))


def _one(found: Sequence[Mapping[str, Any]]) -> StoredRound | None:
    return StoredRound(**found[0]) if found else None


async def open_round_of(
    on: AsyncSession | Statements, user_id: int, *, lock: bool = False
) -> StoredRound | None:
    """The player's open round (locked until the transaction ends, if asked)."""
    query = _OPEN_ROUND_OF_LOCKED if lock else _OPEN_ROUND_OF
    return _one(await statements(on).rows(query, {"uid": user_id}))


async def find(
    on: AsyncSession | Statements,
    round_id: int,
    *,
    user_id: int | None = None,
    lock: bool = False,
) -> StoredRound | None:
    """A round by id (only the given player's, if one is given)."""
    if user_id is None:
        query, values = (_FIND_LOCKED if lock else _FIND), {"rid": round_id}
    else:
        query = _FIND_OWNED_LOCKED if lock else _FIND_OWNED
        values = {"rid": round_id, "uid": user_id}
    return _one(await statements(on).rows(query, values))


async def owned(session: AsyncSession, user_id: int, ids: Sequence[int]) -> list[StoredRound]:
    """The player's rounds among `ids`."""
    query = select(_rounds).where(_rounds.c.user_id == user_id, _rounds.c.id.in_(ids))
    return [StoredRound(**row) for row in (await session.execute(query)).mappings()]


async def open_new(
    on: AsyncSession | Statements,
    *,
    user_id: int,
    stake: int,
    plan: Plan,
    fairness_round: Round,
    now: datetime,
) -> StoredRound:
    proof = fairness_round.proof
    values = {
        "uid": user_id,
        "staked": stake,
        "auto": plan.auto_cashout,
        "point": plan.crash_point,
        "sid": fairness_round.seed_id,
        "seed_hash": proof.server_seed_hash,
        "client": proof.client_seed,
        "n": proof.nonce,
        "at": now,
        "ends_at": now + timedelta(milliseconds=plan.ends_ms),
    }
    row = _one(await statements(on).rows(_OPEN_NEW, values))
    assert row is not None, "an INSERT … RETURNING returns its row"
    return row


async def mark_settled(
    on: AsyncSession | Statements,
    row: StoredRound,
    ending: Ending,
    *,
    history_id: int,
    now: datetime,
) -> StoredRound:
    """OPEN → ended, exactly once: the caller holds the row, and the update re-checks.
    The round as settled."""
    cashed = ending.status is RoundStatus.CASHED_OUT
    values = {
        "rid": row.id,
        "to_status": ending.status.value,
        "at": now,
        "multiplier": ending.multiplier if cashed else None,
        "ended": ending.at_ms,
        "paid": ending.payout(row.stake),
        "hid": history_id,
    }
    settled = _one(await statements(on).rows(_MARK_SETTLED, values))
    if settled is None:
        raise RuntimeError(f"crash round {row.id} was settled concurrently")
    return settled


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
) -> list[StoredRound]:
    query = select(_rounds)
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
    found = await session.execute(query.order_by(CrashRound.id.desc()).limit(limit))
    return [StoredRound(**row) for row in found.mappings()]


async def unsettled_on_seed(session: AsyncSession, user_id: int, seed_id: int) -> int | None:
    """The id of the player's open round decided by this seed, if there is one."""
    return await session.scalar(
        select(CrashRound.id).where(
            CrashRound.user_id == user_id,
            CrashRound.status == RoundStatus.OPEN.value,
            CrashRound.seed_id == seed_id,
        )
    )
