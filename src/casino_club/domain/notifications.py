"""Operators' notifications (SPEC §10): what one may say, and how a player is shown
them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from casino_club.domain.accounts import FieldProblem
from casino_club.domain.errors import ErrorCode

MAX_TITLE = 120
MAX_BODY = 2000


@dataclass(frozen=True, slots=True)
class Message:
    title: str
    body: str


def message(title: str, body: str) -> Message | list[FieldProblem]:
    """The message as stored (trimmed), or what is wrong with it."""
    problems = []
    for field, text, limit in (("title", title, MAX_TITLE), ("body", body, MAX_BODY)):
        if len(text) > limit or not text.strip():
            problems.append(
                FieldProblem(field, "INVALID_LENGTH", f"1 to {limit} characters, not blank")
            )
    if problems:
        return problems
    return Message(title.strip(), body.strip())


@dataclass(frozen=True, slots=True)
class Notification:
    """A message from the operators, to the player or to everyone (`broadcast`). Ids
    increase: a resubscription with the last one seen is given what followed."""

    id: int
    title: str
    body: str
    broadcast: bool
    sent_at: datetime
    read: bool


@dataclass(frozen=True, slots=True)
class NotificationsMarked:
    marked: int  # how many of them were unread
    unread_count: int


@dataclass(frozen=True, slots=True)
class NotificationNotFound:
    """A notification id that is not one of the caller's."""

    code: ClassVar[ErrorCode] = ErrorCode.NOTIFICATION_NOT_FOUND

    @property
    def message(self) -> str:
        return "No such notification"


@dataclass(frozen=True, slots=True)
class NotificationSent:
    notification: Notification
