"""Invite codes (SPEC §5.3): when one can be used, and what checking, creating and
disabling one answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from casino_club.domain.errors import ErrorCode


class InviteProblem(StrEnum):
    NOT_FOUND = "NOT_FOUND"
    EXPIRED = "EXPIRED"
    EXHAUSTED = "EXHAUSTED"


@dataclass(frozen=True, slots=True)
class InviteState:
    expires_at: datetime | None
    max_uses: int | None
    used_count: int
    disabled: bool


def invite_problem(state: InviteState | None, now: datetime) -> InviteProblem | None:
    """Why a code cannot be used now, or None when it can.

    A disabled code answers NOT_FOUND: to a player it simply no longer exists.
    """
    if state is None or state.disabled:
        return InviteProblem.NOT_FOUND
    if state.expires_at is not None and state.expires_at <= now:
        return InviteProblem.EXPIRED
    if state.max_uses is not None and state.used_count >= state.max_uses:
        return InviteProblem.EXHAUSTED
    return None


def remaining_uses(state: InviteState) -> int | None:
    if state.max_uses is None:
        return None
    return max(0, state.max_uses - state.used_count)


@dataclass(frozen=True, slots=True)
class InviteCodeValidation:
    """Whether a code can be used to sign up now; what it allows only when it can."""

    valid: bool
    reason: InviteProblem | None
    remaining_uses: int | None  # None: unlimited
    expires_at: datetime | None


@dataclass(frozen=True, slots=True)
class InviteCode:
    """A code as operators see it."""

    id: int
    code: str
    expires_at: datetime | None
    max_uses: int | None
    used_count: int
    remaining_uses: int | None
    disabled: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class InviteCodePayload:
    invite_code: InviteCode


_PROBLEM_MESSAGES = {
    InviteProblem.NOT_FOUND: "This invite code does not exist",
    InviteProblem.EXPIRED: "This invite code has expired",
    InviteProblem.EXHAUSTED: "This invite code has no uses left",
}


@dataclass(frozen=True, slots=True)
class InviteCodeInvalid:
    """A sign-up's code cannot be used; nothing was created."""

    code: ClassVar[ErrorCode] = ErrorCode.INVITE_CODE_INVALID
    reason: InviteProblem

    @property
    def message(self) -> str:
        return _PROBLEM_MESSAGES[self.reason]


@dataclass(frozen=True, slots=True)
class InviteCodeTaken:
    code: ClassVar[ErrorCode] = ErrorCode.INVITE_CODE_TAKEN

    @property
    def message(self) -> str:
        return "An invite code with this text exists"


@dataclass(frozen=True, slots=True)
class InviteCodeNotFound:
    code: ClassVar[ErrorCode] = ErrorCode.INVITE_CODE_NOT_FOUND

    @property
    def message(self) -> str:
        return "No such invite code"
