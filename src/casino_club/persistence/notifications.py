"""Operators' notifications and who has read them (SPEC §10).

A player sees their own notifications and the broadcasts sent from their sign-up on;
"read" is a row per player and notification, written once (a broadcast's reads are as
many rows as players who read it, never a write to every player when it is sent).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import BigInteger, ColumnElement, Select, and_, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.persistence.column_types import UTCDateTime
from casino_club.persistence.database import insert_for
from casino_club.persistence.models import Notification, NotificationRead, User


@dataclass(frozen=True, slots=True)
class NotificationForPlayer:
    """A notification as one player sees it."""

    notification: Notification
    read_at: datetime | None


def _visible_to(user_id: int) -> ColumnElement[bool]:
    joined = select(User.created_at).where(User.id == user_id).scalar_subquery()
    return or_(
        Notification.user_id == user_id,
        and_(Notification.user_id.is_(None), Notification.created_at >= joined),
    )


async def send(
    session: AsyncSession,
    *,
    user_id: int | None,
    title: str,
    body: str,
    sent_by: int,
    now: datetime,
) -> Notification:
    row = Notification(user_id=user_id, title=title, body=body, sent_by=sent_by, created_at=now)
    session.add(row)
    await session.flush()
    return row


async def send_to_each(
    session: AsyncSession,
    user_ids: Sequence[int],
    *,
    title: str,
    body: str,
    sent_by: int | None,
    now: datetime,
) -> list[Notification]:
    """One personal notification to each player (a campaign's batch), in their order:
    one INSERT, whatever their number."""
    rows = [
        Notification(user_id=user_id, title=title, body=body, sent_by=sent_by, created_at=now)
        for user_id in user_ids
    ]
    session.add_all(rows)
    await session.flush()
    return rows


async def page(
    session: AsyncSession, user_id: int, *, before_id: int | None, limit: int, unread_only: bool
) -> list[NotificationForPlayer]:
    """The player's notifications, newest first, from below `before_id`."""
    query = _for_player(user_id).order_by(Notification.id.desc()).limit(limit)
    if before_id is not None:
        query = query.where(Notification.id < before_id)
    if unread_only:
        query = query.where(NotificationRead.read_at.is_(None))
    return [
        NotificationForPlayer(row, read_at) for row, read_at in (await session.execute(query)).all()
    ]


async def visible(
    session: AsyncSession, user_id: int, ids: Sequence[int]
) -> list[NotificationForPlayer]:
    """The notifications among `ids` the player may see, read or not."""
    query = _for_player(user_id).where(Notification.id.in_(ids))
    return [
        NotificationForPlayer(row, read_at) for row, read_at in (await session.execute(query)).all()
    ]


def _for_player(user_id: int) -> Select[Notification, datetime | None]:
    """What the player may see, with when they read each."""
    return (
        select(Notification, NotificationRead.read_at)
        .outerjoin(
            NotificationRead,
            and_(
                NotificationRead.notification_id == Notification.id,
                NotificationRead.user_id == user_id,
            ),
        )
        .where(_visible_to(user_id))
    )


async def after(
    session: AsyncSession, user_id: int, after_id: int, limit: int
) -> list[NotificationForPlayer]:
    """The player's notifications after `after_id`, oldest first (a resubscription's)."""
    query = (
        select(Notification)
        .where(_visible_to(user_id), Notification.id > after_id)
        .order_by(Notification.id)
        .limit(limit)
    )
    return [NotificationForPlayer(row, None) for row in await session.scalars(query)]


async def unread_count(session: AsyncSession, user_id: int) -> int:
    read = select(NotificationRead.notification_id).where(NotificationRead.user_id == user_id)
    query = (
        select(func.count())
        .select_from(Notification)
        .where(_visible_to(user_id), Notification.id.not_in(read))
    )
    return int(await session.scalar(query) or 0)


async def visible_ids(session: AsyncSession, user_id: int, ids: Sequence[int]) -> set[int]:
    query = select(Notification.id).where(_visible_to(user_id), Notification.id.in_(ids))
    return set(await session.scalars(query))


async def mark_read(
    session: AsyncSession, user_id: int, ids: Sequence[int] | None, now: datetime
) -> int:
    """Mark these (or, with None, all the player's) as read; how many this call marked
    (one statement: two at once never both count the same notification)."""
    chosen = select(Notification.id).where(_visible_to(user_id))
    if ids is not None:
        chosen = chosen.where(Notification.id.in_(ids))
    statement = (
        insert_for(session, NotificationRead)
        .from_select(
            ["user_id", "notification_id", "read_at"],
            chosen.with_only_columns(
                literal(user_id, BigInteger()), Notification.id, literal(now, UTCDateTime())
            ),
        )
        .on_conflict_do_nothing()
    )
    result = await session.execute(statement)
    return int(result.rowcount)  # type: ignore[attr-defined]
