"""Notification types (SPEC §10): operators' messages, read and unread, and their sending."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry

from casino_club.persistence.notifications import Seen
from casino_club.schema.errors import UserError, UserNotFound, ValidationFailed


@strawberry.type(description="A message from the operators, to the player or to everyone.")
class Notification:
    id: strawberry.ID = strawberry.field(
        description="Increasing: resubscribe to `notifications` with `since` set to the last "
        "one seen to be given what was missed."
    )
    title: str
    body: str
    broadcast: bool = strawberry.field(description="Sent to every player.")
    sent_at: datetime
    read: bool

    @classmethod
    def of(cls, seen: Seen) -> Notification:
        row = seen.notification
        return cls(
            id=strawberry.ID(str(row.id)),
            title=row.title,
            body=row.body,
            broadcast=row.user_id is None,
            sent_at=row.created_at,
            read=seen.read_at is not None,
        )

    @classmethod
    def of_event(cls, event: dict[str, Any]) -> Notification:
        return cls(
            id=strawberry.ID(str(event["notificationId"])),
            title=event["title"],
            body=event["body"],
            broadcast=event["broadcast"],
            sent_at=datetime.fromisoformat(event["at"]),
            read=False,
        )


@strawberry.input(description="Either `ids` (at most 100) or `all: true`.")
class MarkNotificationsReadInput:
    ids: list[strawberry.ID] | None = None
    all: bool = False


@strawberry.type
class NotificationsMarked:
    marked: int = strawberry.field(description="How many of them were unread.")
    unread_count: int


@strawberry.type(description="A notification id that is not one of the caller's.")
class NotificationNotFound(UserError):
    @classmethod
    def new(cls) -> NotificationNotFound:
        return cls(code="NOTIFICATION_NOT_FOUND", message="No such notification")


MarkNotificationsReadResult = Annotated[
    NotificationsMarked | ValidationFailed | NotificationNotFound,
    strawberry.union("MarkNotificationsReadResult"),
]


@strawberry.input(description="To one player (`userId`), or without it to every player.")
class SendNotificationInput:
    user_id: strawberry.ID | None = None
    title: str
    body: str


@strawberry.type
class NotificationSent:
    notification: Notification


SendNotificationResult = Annotated[
    NotificationSent | ValidationFailed | UserNotFound,
    strawberry.union("SendNotificationResult"),
]
