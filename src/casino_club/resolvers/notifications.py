"""Notifications (SPEC §10): a player's list and read marks, operators' sending (audited),
and the live stream of them.

Personal notifications travel on the player's channel, broadcasts on `broadcast`. Their
ids are the rows' own, so a player who comes back with `since` is given what followed
from the database, which keeps them all, not only the last 5 minutes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any

from casino_club.context import Context, Viewer
from casino_club.domain import notifications as rules
from casino_club.domain.ids import NodeKind, parse_node_id
from casino_club.domain.notifications import (
    Notification,
    NotificationNotFound,
    NotificationSent,
    NotificationsMarked,
)
from casino_club.domain.refusals import UserNotFound, ValidationFailed
from casino_club.live.events import BROADCAST_CHANNEL, user_channel
from casino_club.live.stream import merged
from casino_club.persistence import audit, notifications, users
from casino_club.persistence.models import Notification as NotificationRow
from casino_club.persistence.notifications import NotificationForPlayer
from casino_club.services import Services

MAX_IDS = 100
# A resubscription reads what it missed from the database this many at a time.
REPLAY_PAGE = 100


async def page(
    services: Services, user_id: int, *, after_id: int | None, first: int, unread_only: bool
) -> list[Notification]:
    """The player's notifications after the cursor's `after_id`, newest first: `first`
    and one more, which tells that another page follows."""
    async with services.sessionmaker() as session:
        rows = await notifications.page(
            session, user_id, before_id=after_id, limit=first + 1, unread_only=unread_only
        )
    return [shown(seen) for seen in rows]


def shown(seen: NotificationForPlayer) -> Notification:
    row = seen.notification
    return Notification(
        id=row.id,
        title=row.title,
        body=row.body,
        broadcast=row.user_id is None,
        sent_at=row.created_at,
        read=seen.read_at is not None,
    )


async def unread_count(services: Services, user_id: int) -> int:
    async with services.sessionmaker() as session:
        return await notifications.unread_count(session, user_id)


def _chosen(ids: Sequence[str] | None, every: bool) -> list[int] | ValidationFailed | None:
    """The ids to mark (None: all), or why the input cannot say which."""
    if every == (ids is not None):
        return ValidationFailed.single("ids", "ONE_OF", "either ids or all: true")
    if ids is None:
        return None
    if not 1 <= len(ids) <= MAX_IDS:
        return ValidationFailed.single("ids", "INVALID_LENGTH", f"1 to {MAX_IDS} ids")
    return [parse_node_id(raw, NodeKind.NOTIFICATION) or 0 for raw in ids]


async def mark_read(
    context: Context, viewer: Viewer, ids: Sequence[str] | None, *, every: bool
) -> NotificationsMarked | ValidationFailed | NotificationNotFound:
    """Mark some of the player's notifications read (`ids`, as sent), or `every` one."""
    chosen = _chosen(ids, every)
    if isinstance(chosen, ValidationFailed):
        return chosen
    services = context.services
    async with services.unit_of_work() as uow:
        session = uow.session
        if chosen is not None and not set(chosen) <= await notifications.visible_ids(
            session, viewer.id, chosen
        ):
            return NotificationNotFound()
        marked = await notifications.mark_read(session, viewer.id, chosen, services.clock.now())
        unread = await notifications.unread_count(session, viewer.id)
        await uow.commit()
    return NotificationsMarked(marked=marked, unread_count=unread)


def live_event(row: NotificationRow) -> dict[str, Any]:
    """A notification as the live stream carries it (`received` reads it back)."""
    return {
        "kind": "notification",
        "notificationId": row.id,
        "title": row.title,
        "body": row.body,
        "broadcast": row.user_id is None,
        "at": row.created_at.isoformat(),
    }


async def send(
    context: Context, viewer: Viewer, *, to: str | None, title: str, body: str
) -> NotificationSent | ValidationFailed | UserNotFound:
    """To one player (`to`: their id as sent), or to every player (None)."""
    message = rules.message(title, body)
    if not isinstance(message, rules.Message):
        return ValidationFailed.of(message)
    user_id = None
    if to is not None:
        user_id = parse_node_id(to, NodeKind.PLAYER)
        if user_id is None:
            return UserNotFound()
    services = context.services
    now = services.clock.now()
    async with services.unit_of_work() as uow:
        session = uow.session
        if user_id is not None and await users.by_id(session, user_id) is None:
            return UserNotFound()
        row = await notifications.send(
            session,
            user_id=user_id,
            title=message.title,
            body=message.body,
            sent_by=viewer.id,
            now=now,
        )
        await audit.record(
            session,
            actor_id=viewer.id,
            action="NOTIFICATION_SEND",
            target=BROADCAST_CHANNEL if user_id is None else f"user:{user_id}",
            before=None,
            after={"id": row.id, "title": row.title, "body": row.body},
            now=now,
        )
        channel = BROADCAST_CHANNEL if user_id is None else user_channel(user_id)
        event = live_event(row)

        async def publish() -> None:
            await services.outbox.publish([(channel, [event])])

        uow.after_commit(publish)
        await uow.commit()
    return NotificationSent(notification=shown(NotificationForPlayer(row, None)))


async def follow(
    services: Services, user_id: int, since: int | None
) -> AsyncIterator[Notification]:
    """The player's notifications as they are sent: after `since` (from the database)
    first, then live, none twice."""
    async with (
        services.events.subscribe(user_channel(user_id)) as own,
        services.events.subscribe(BROADCAST_CHANNEL) as everyone,
    ):
        delivered: set[int] = set()
        position = since
        while position is not None:  # every one missed, a page at a time
            async with services.sessionmaker() as session:
                missed = await notifications.after(session, user_id, position, REPLAY_PAGE)
            for seen in missed:
                delivered.add(seen.notification.id)
                # Shown unread, as it was sent (as the live stream shows it).
                yield shown(NotificationForPlayer(seen.notification, None))
            position = missed[-1].notification.id if len(missed) == REPLAY_PAGE else None
        async for event in merged(own, everyone):
            if event.get("kind") != "notification":
                continue
            notification_id = int(event["notificationId"])
            if notification_id in delivered or (since is not None and notification_id <= since):
                continue
            delivered.add(notification_id)
            yield received(event)


def received(event: dict[str, Any]) -> Notification:
    """A notification as the live stream carries it: unread, since it was just sent."""
    return Notification(
        id=int(event["notificationId"]),
        title=event["title"],
        body=event["body"],
        broadcast=event["broadcast"],
        sent_at=datetime.fromisoformat(event["at"]),
        read=False,
    )
