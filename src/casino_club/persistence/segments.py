"""Player segments as stored (domain/segments.py; the run in resolvers/segments.py).

A run reads the whole population in one statement (the players, their plays and
spend aggregated with GROUP BY, their current segments) and writes what changed with
one executemany per table (the driver sends the rows in batches: asyncpg pipelines
one prepared statement), so its statement count does not grow with the players: seven
statements for 100,000 players as for ten.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, case, delete, func, insert, literal_column, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.domain.accounts import Role
from casino_club.domain.payments import PurchaseStatus
from casino_club.domain.segments import (
    RFM_SEGMENTS,
    Change,
    PlayerSegments,
    Segment,
    SegmentKind,
    SegmentOverride,
    in_force,
)
from casino_club.persistence.database import insert_for
from casino_club.persistence.models import (
    GameRound,
    PlayerSegment,
    Purchase,
    SegmentChange,
    SegmentRun,
    User,
    Wallet,
    table,
)

# Any fixed number: PostgreSQL's advisory lock that makes one instance segment at a time.
SEGMENTATION_LOCK = 0x5E6_3E47


async def take_the_run(session: AsyncSession) -> bool:
    """For the transaction: whether this instance segments now (two runs at once would
    each write the same changes to the history). SQLite has one writer at a time anyway."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(await session.scalar(select(func.pg_try_advisory_xact_lock(SEGMENTATION_LOCK))))


async def scheduled_run_on(session: AsyncSession, day: date) -> bool:
    """Whether the scheduled run of game day `day` has happened."""
    found = await session.scalar(
        select(SegmentRun.id)
        .where(SegmentRun.game_day == day, SegmentRun.scheduled.is_(True))
        .limit(1)
    )
    return found is not None


@dataclass(frozen=True, slots=True)
class Stored:
    """A player's computed segments and scores as the last run that changed them left them."""

    computed_lifecycle: str
    computed_rfm_segment: str
    recency_score: int
    frequency_score: int
    monetary_score: int


@dataclass(frozen=True, slots=True)
class PopulationRow:
    user_id: int
    rank: str
    joined_at: datetime
    last_play_at: datetime | None
    plays: int  # since the window's start
    spend_cents: int  # since the window's start
    stored: Stored | None


async def population(session: AsyncSession, since: datetime) -> list[PopulationRow]:
    """Every player (operators excluded) with what segmentation reads, in one statement."""
    plays = (
        select(
            GameRound.user_id,
            func.max(GameRound.created_at).label("last_play_at"),
            func.sum(case((GameRound.created_at >= since, 1), else_=0)).label("plays"),
        )
        .group_by(GameRound.user_id)
        .subquery()
    )
    spend = (
        select(Purchase.user_id, func.sum(Purchase.spend_usd_cents).label("spend"))
        .where(Purchase.status == PurchaseStatus.SUCCEEDED.value, Purchase.settled_at >= since)
        .group_by(Purchase.user_id)
        .subquery()
    )
    kept = (
        PlayerSegment.computed_lifecycle,
        PlayerSegment.computed_rfm_segment,
        PlayerSegment.recency_score,
        PlayerSegment.frequency_score,
        PlayerSegment.monetary_score,
    )
    query = (
        select(
            User.id,
            User.rank,
            User.created_at,
            plays.c.last_play_at,
            func.coalesce(plays.c.plays, 0),
            func.coalesce(spend.c.spend, 0),
            *kept,
        )
        .outerjoin(plays, plays.c.user_id == User.id)
        .outerjoin(spend, spend.c.user_id == User.id)
        .outerjoin(PlayerSegment, PlayerSegment.user_id == User.id)
        .where(User.role != Role.ADMIN.value)
    )
    # Plain rows, not ORM objects: a run reads every player.
    rows = await session.execute(query)
    return [
        PopulationRow(
            user_id=user_id,
            rank=rank,
            joined_at=joined_at,
            last_play_at=last_play_at,
            plays=int(played),
            spend_cents=int(spent),
            stored=None if stored[0] is None else Stored(*stored),
        )
        for user_id, rank, joined_at, last_play_at, played, spent, *stored in rows
    ]


async def forget_operators(session: AsyncSession) -> int:
    """Operators are never segmented: the segments of a player since made one go."""
    operators = select(User.id).where(User.role == Role.ADMIN.value)
    result: Any = await session.execute(
        delete(PlayerSegment).where(PlayerSegment.user_id.in_(operators))
    )
    return int(result.rowcount or 0)


async def start_run(session: AsyncSession, day: date, *, scheduled: bool, now: datetime) -> int:
    run_id = await session.scalar(
        insert(SegmentRun)
        .values(game_day=day, scheduled=scheduled, players=0, changes=0, started_at=now)
        .returning(SegmentRun.id)
    )
    assert run_id is not None
    return int(run_id)


async def finish_run(session: AsyncSession, run_id: int, *, players: int, changes: int) -> None:
    await session.execute(
        update(SegmentRun).where(SegmentRun.id == run_id).values(players=players, changes=changes)
    )


@dataclass(frozen=True, slots=True)
class ToStore:
    """A player's computed segments and scores, to store."""

    user_id: int
    lifecycle: Segment
    rfm_segment: Segment
    recency_score: int
    frequency_score: int
    monetary_score: int


# Inline constants (our own enum's names), not bound lists: the upsert runs as an
# executemany, which takes no expanding IN.
_LIFECYCLE_VALUES: list[ColumnElement[str]] = [
    literal_column(f"'{segment.value}'") for segment in Segment if segment not in RFM_SEGMENTS
]
_RFM_VALUES: list[ColumnElement[str]] = [
    literal_column(f"'{segment.value}'") for segment in RFM_SEGMENTS
]

_segments = table(PlayerSegment)
_changes = table(SegmentChange)


async def store(session: AsyncSession, rows: Sequence[ToStore], now: datetime) -> None:
    """Insert or update these players' computed segments: one statement given every
    row (the driver sends them in batches). The segment in force follows the computed
    one unless an override of its kind holds it: decided in the statement, from the row
    as it is when written, so an override an operator sets while a run is under way is
    never undone by it."""
    if not rows:
        return
    statement = insert_for(session, _segments)
    new = statement.excluded
    override = _segments.c.override_segment
    upsert = statement.on_conflict_do_update(
        index_elements=[_segments.c.user_id],
        set_={
            "computed_lifecycle": new.computed_lifecycle,
            "computed_rfm_segment": new.computed_rfm_segment,
            "recency_score": new.recency_score,
            "frequency_score": new.frequency_score,
            "monetary_score": new.monetary_score,
            "computed_at": new.computed_at,
            "lifecycle": case(
                (override.in_(_LIFECYCLE_VALUES), override), else_=new.computed_lifecycle
            ),
            "rfm_segment": case(
                (override.in_(_RFM_VALUES), override), else_=new.computed_rfm_segment
            ),
        },
    )
    await session.execute(
        upsert,
        [
            {
                "user_id": row.user_id,
                "lifecycle": row.lifecycle.value,
                "rfm_segment": row.rfm_segment.value,
                "computed_lifecycle": row.lifecycle.value,
                "computed_rfm_segment": row.rfm_segment.value,
                "recency_score": row.recency_score,
                "frequency_score": row.frequency_score,
                "monetary_score": row.monetary_score,
                "computed_at": now,
            }
            for row in rows
        ],
    )


async def record_changes(
    session: AsyncSession, changes: Sequence[Change], run_id: int | None, now: datetime
) -> None:
    """Append to the history: one statement given every row."""
    if not changes:
        return
    await session.execute(
        insert(_changes),
        [
            {
                "user_id": change.user_id,
                "kind": change.kind.value,
                "from_segment": None if change.before is None else change.before.value,
                "to_segment": change.after.value,
                "run_id": run_id,
                "created_at": now,
            }
            for change in changes
        ],
    )


# Operators' reads.


async def counts(session: AsyncSession) -> dict[Segment, int]:
    """Players per segment in force (both kinds), segments with none left out."""
    found: dict[Segment, int] = {}
    for column in (PlayerSegment.lifecycle, PlayerSegment.rfm_segment):
        rows = await session.execute(select(column, func.count()).group_by(column))
        found.update({Segment(segment): int(players) for segment, players in rows})
    return found


async def last_run(session: AsyncSession) -> SegmentRun | None:
    return await session.scalar(select(SegmentRun).order_by(SegmentRun.id.desc()).limit(1))


async def of_players(session: AsyncSession, user_ids: Sequence[int]) -> dict[int, PlayerSegment]:
    rows = await session.scalars(select(PlayerSegment).where(PlayerSegment.user_id.in_(user_ids)))
    return {row.user_id: row for row in rows}


async def of_player(session: AsyncSession, user_id: int) -> PlayerSegment | None:
    """The player's row, locked until the transaction ends (an override's write)."""
    return await session.scalar(
        select(PlayerSegment)
        .where(PlayerSegment.user_id == user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


async def page_in(
    session: AsyncSession, segment: Segment, *, after_id: int | None, limit: int
) -> list[tuple[User, int]]:
    """Players in `segment` (in force), newest first, with their gold: a keyset page."""
    column = (
        PlayerSegment.rfm_segment if segment.kind is SegmentKind.RFM else PlayerSegment.lifecycle
    )
    query = (
        select(User, Wallet.gold)
        .join(PlayerSegment, PlayerSegment.user_id == User.id)
        .join(Wallet, Wallet.user_id == User.id)
        .where(column == segment.value)
    )
    if after_id is not None:
        query = query.where(PlayerSegment.user_id < after_id)
    query = query.order_by(PlayerSegment.user_id.desc()).limit(limit)
    return [(user, int(gold)) for user, gold in await session.execute(query)]


def set_override(
    row: PlayerSegment, segment: Segment | None, reason: str, actor_id: int, now: datetime
) -> None:
    """An operator's override (None: cleared), and the segments in force that follow."""
    row.override_segment = None if segment is None else segment.value
    row.override_reason = reason if segment is not None else None
    row.override_by = actor_id if segment is not None else None
    row.override_at = now if segment is not None else None
    row.lifecycle = in_force(Segment(row.computed_lifecycle), segment).value
    row.rfm_segment = in_force(Segment(row.computed_rfm_segment), segment).value


def as_segments(row: PlayerSegment) -> PlayerSegments:
    override = None
    if row.override_segment is not None:
        assert row.override_reason is not None and row.override_at is not None
        override = SegmentOverride(
            segment=Segment(row.override_segment),
            reason=row.override_reason,
            operator_id=row.override_by,
            at=row.override_at,
        )
    return PlayerSegments(
        user_id=row.user_id,
        lifecycle=Segment(row.lifecycle),
        rfm_segment=Segment(row.rfm_segment),
        computed_lifecycle=Segment(row.computed_lifecycle),
        computed_rfm_segment=Segment(row.computed_rfm_segment),
        recency_score=row.recency_score,
        frequency_score=row.frequency_score,
        monetary_score=row.monetary_score,
        computed_at=row.computed_at,
        override=override,
    )
