"""Notification types (SPEC §10): operators' messages, read and unread, and their sending."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import relay

from casino_club.domain import notifications
from casino_club.schema.errors import UserError, UserNotFound, ValidationFailed
from casino_club.schema.identity import LazyPlayer as Player
from casino_club.schema.identity import player as player_field
from casino_club.schema.outcomes import presents


@presents(notifications.Notification)
@strawberry.type(
    description="A message from the operators, to the player or to everyone. Resubscribe "
    "to `notifications` with `since` set to the id of the last one seen to be given what "
    "was missed."
)
class Notification(relay.Node):
    id: relay.NodeID[int]
    title: str
    body: str
    broadcast: bool = strawberry.field(description="Sent to every player.")
    sent_at: datetime
    read: bool


@strawberry.input(description="Either `ids` (at most 100) or `all: true`.")
class MarkNotificationsReadInput:
    ids: list[strawberry.ID] | None = None
    all: bool = False


@presents(notifications.NotificationsMarked)
@strawberry.type
class NotificationsMarked:
    player: Player = player_field(description="The caller, as this left them (their unread count).")
    marked: int = strawberry.field(description="How many of them were unread.")
    unread_count: int


@presents(notifications.NotificationNotFound, described=True)
@strawberry.type
class NotificationNotFound(UserError):
    pass


MarkNotificationsReadResult = Annotated[
    NotificationsMarked | ValidationFailed | NotificationNotFound,
    strawberry.union("MarkNotificationsReadResult"),
]


@strawberry.input(description="To one player (`userId`), or without it to every player.")
class SendNotificationInput:
    user_id: strawberry.ID | None = strawberry.field(
        default=None, description="The player's global id."
    )
    title: str
    body: str


@presents(notifications.NotificationSent)
@strawberry.type
class NotificationSent:
    notification: Notification


SendNotificationResult = Annotated[
    NotificationSent | ValidationFailed | UserNotFound,
    strawberry.union("SendNotificationResult"),
]
