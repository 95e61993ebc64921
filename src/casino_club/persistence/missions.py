"""Missions as stored, and players' progress on them (rules: domain/missions.py).

`advance` adds an action's counts to the progress rows of every active mission that
counts those events, in the action's transaction: one INSERT … SELECT … ON CONFLICT,
built once per dialect since every play runs it. Its twin for PostgreSQL's one-statement
bet is the `missions` step of `postgres_bets.SETTLE`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Date,
    Executable,
    String,
    and_,
    bindparam,
    case,
    delete,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.domain.accounts import XP_PER_LEVEL
from casino_club.domain.missions import (
    EVER,
    MAX_COUNTS,
    Advance,
    Counts,
    MissionEvent,
    MissionPeriod,
    Periods,
    StoredMission,
)
from casino_club.domain.missions import Mission as MissionValue
from casino_club.persistence.column_types import UTCDateTime
from casino_club.persistence.driver import Statements, statements
from casino_club.persistence.models import Mission, MissionProgress, User, table
from casino_club.persistence.player_stats import TOTAL_XP

_missions, _progress, _users = table(Mission), table(MissionProgress), table(User)


def _value(row: Mission) -> MissionValue:
    return MissionValue(
        key=row.key,
        title=row.title,
        description=row.description,
        period=MissionPeriod(row.period),
        event=MissionEvent(row.event),
        target=row.target,
        reward_gold=row.reward_gold,
        reward_xp=row.reward_xp,
        min_multiplier=row.min_multiplier,
        min_level=row.min_level,
        active=row.active,
    )


def _stored(row: Mission) -> StoredMission:
    return StoredMission(row.id, _value(row))


def period_key(period: ColumnElement[str]) -> ColumnElement[date]:
    """The period a mission counts in now, from the `day` and `week` parameters."""
    return case(
        (period == MissionPeriod.DAILY.value, bindparam("day", type_=Date)),
        (period == MissionPeriod.WEEKLY.value, bindparam("week", type_=Date)),
        else_=bindparam("ever", EVER, type_=Date),
    )


def _period_values(periods: Periods) -> dict[str, date]:
    return {"day": periods.day, "week": periods.week, "ever": EVER}


def _advance_statement(insert: Callable[..., Any]) -> Executable:
    m = _missions
    uid = bindparam("uid", type_=BigInteger)
    events = [bindparam(f"event{i}", type_=String) for i in range(MAX_COUNTS)]
    amount = case(
        *(
            (m.c.event == events[i], bindparam(f"amount{i}", type_=BigInteger))
            for i in range(MAX_COUNTS)
        ),
        else_=0,
    )
    at = bindparam("at", type_=UTCDateTime)
    xp = select(TOTAL_XP).where(_users.c.id == uid).scalar_subquery()
    counted = (
        select(
            uid,
            m.c.id,
            period_key(m.c.period),
            m.c.target,
            case((amount > m.c.target, m.c.target), else_=amount),
            case((amount >= m.c.target, at), else_=None),
            at,
        )
        .where(m.c.active.is_(True), m.c.event.in_(events))
        .where(or_(m.c.min_level.is_(None), m.c.min_level <= xp // XP_PER_LEVEL + 1))
        .where(
            or_(
                m.c.min_multiplier.is_(None),
                m.c.min_multiplier <= bindparam("multiplier", type_=BigInteger),
            )
        )
    )
    p = _progress.c
    proposed = insert(_progress).from_select(
        ["user_id", "mission_id", "period", "target", "progress", "completed_at", "updated_at"],
        counted,
    )
    total = p.progress + proposed.excluded.progress
    statement: Executable = proposed.on_conflict_do_update(
        index_elements=[
            p.user_id,
            p.mission_id,
            p.period,
        ],
        set_={
            "progress": case((total > p.target, p.target), else_=total),
            "completed_at": case((total >= p.target, proposed.excluded.updated_at), else_=None),
            "updated_at": proposed.excluded.updated_at,
        },
        # A row at its target is done for the period: not written again.
        where=p.progress < p.target,
    ).returning(p.mission_id, p.progress, p.target)
    return statement


# How players see their missions: today's first, then the week's, then the one-offs.
PERIOD_ORDER = {p.value: n for n, p in enumerate(MissionPeriod)}

ADVANCE = {
    "postgresql": _advance_statement(postgresql.insert),
    "sqlite": _advance_statement(sqlite.insert),
}


def advance_values(
    user_id: int, counts: Counts, periods: Periods, at: datetime, multiplier: int | None
) -> dict[str, Any]:
    assert len(counts) <= MAX_COUNTS, "an action counts at most MAX_COUNTS events"
    values: dict[str, Any] = {"uid": user_id, "at": at, "multiplier": multiplier or 0}
    values.update(_period_values(periods))
    for i in range(MAX_COUNTS):
        event, amount = counts[i] if i < len(counts) else (None, 0)
        values[f"event{i}"] = None if event is None else event.value
        values[f"amount{i}"] = amount
    return values


async def advance(
    on: AsyncSession | Statements,
    user_id: int,
    counts: Counts,
    periods: Periods,
    at: datetime,
    *,
    multiplier: int | None = None,
) -> tuple[Advance, ...]:
    """Add an action's counts to the player's missions; the progress rows it changed.
    Missions the player's level has not unlocked count nothing, nor do ones complete for
    the period. `multiplier` (hundredths): a crash cash-out's, for CRASH_CASHOUT missions
    with a minimum."""
    if not counts:
        return ()
    db = statements(on)
    rows = await db.rows(
        ADVANCE[db.dialect], advance_values(user_id, counts, periods, at, multiplier)
    )
    return tuple(
        sorted(Advance(int(r["mission_id"]), int(r["progress"]), int(r["target"])) for r in rows)
    )


@dataclass(frozen=True, slots=True)
class PlayerMission:
    """An active mission as one player sees it this period: their progress row, if any."""

    stored: StoredMission
    progress: MissionProgress | None


async def of_player(session: AsyncSession, user_id: int, periods: Periods) -> list[PlayerMission]:
    """Every active mission with the player's progress in its current period."""
    joined = and_(
        _progress.c.mission_id == Mission.id,
        _progress.c.user_id == user_id,
        _progress.c.period == period_key(_missions.c.period),
    )
    rows = await session.execute(
        select(Mission, MissionProgress)
        .outerjoin(MissionProgress, joined)
        .where(Mission.active.is_(True))
        .order_by(case(PERIOD_ORDER, value=Mission.period), Mission.id),
        _period_values(periods),
    )
    return [PlayerMission(_stored(mission), progress) for mission, progress in rows]


async def active(session: AsyncSession, mission_id: int) -> StoredMission | None:
    row = await session.get(Mission, mission_id, populate_existing=True)
    return None if row is None or not row.active else _stored(row)


async def progress_of(
    session: AsyncSession, user_id: int, mission_id: int, period: date
) -> MissionProgress | None:
    return await session.get(MissionProgress, (user_id, mission_id, period), populate_existing=True)


async def mark_claimed(
    session: AsyncSession, user_id: int, mission_id: int, period: date, now: datetime
) -> bool:
    """Record the period's claim, if the mission is complete and not yet claimed."""
    result = await session.execute(
        update(MissionProgress)
        .where(
            MissionProgress.user_id == user_id,
            MissionProgress.mission_id == mission_id,
            MissionProgress.period == period,
            MissionProgress.progress >= MissionProgress.target,
            MissionProgress.claimed_at.is_(None),
        )
        .values(claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def by_key(session: AsyncSession, key: str) -> StoredMission | None:
    row = await session.scalar(
        select(Mission).where(Mission.key == key).execution_options(populate_existing=True)
    )
    return None if row is None else _stored(row)


async def every(session: AsyncSession) -> list[StoredMission]:
    rows = await session.scalars(select(Mission).order_by(Mission.id))
    return [_stored(row) for row in rows]


async def save(
    session: AsyncSession, mission: MissionValue, now: datetime, *, new: bool
) -> StoredMission:
    """Create the mission (an insert: a concurrent create of the same key fails on the
    key rather than becoming a second "create"), or replace every field of the stored one."""
    row = (
        Mission(key=mission.key, created_at=now)
        if new
        else await session.scalar(select(Mission).where(Mission.key == mission.key))
    )
    assert row is not None, "an edit replaces what exists"
    if new:
        session.add(row)
    _fill(row, mission, now)
    await session.flush()
    return _stored(row)


def _fill(row: Mission, mission: MissionValue, now: datetime) -> None:
    row.title = mission.title
    row.description = mission.description
    row.period = mission.period.value
    row.event = mission.event.value
    row.target = mission.target
    row.reward_gold = mission.reward_gold
    row.reward_xp = mission.reward_xp
    row.min_multiplier = mission.min_multiplier
    row.min_level = mission.min_level
    row.active = mission.active
    row.updated_at = now


async def delete_with_progress(session: AsyncSession, mission_id: int) -> None:
    """The mission and every player's progress on it (rewards paid stay in the ledger)."""
    await session.execute(delete(MissionProgress).where(MissionProgress.mission_id == mission_id))
    await session.execute(delete(Mission).where(Mission.id == mission_id))


async def purge_before(session: AsyncSession, first_kept: date) -> int:
    """Delete the progress of daily and weekly periods that began before `first_kept`
    (ONCE missions' rows are kept: their claim is forever); how many rows went."""
    result = await session.execute(
        delete(MissionProgress).where(
            MissionProgress.period < first_kept, MissionProgress.period != EVER
        )
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def add_missing(
    session: AsyncSession, missions: Iterable[MissionValue], now: datetime
) -> int:
    """Insert the missions whose key is not stored yet (never overwrites an operator's
    edits); how many were added."""
    existing = set((await session.scalars(select(Mission.key))).all())
    added = 0
    for mission in missions:
        if mission.key not in existing:
            row = Mission(key=mission.key, created_at=now)
            _fill(row, mission, now)
            session.add(row)
            added += 1
    return added
