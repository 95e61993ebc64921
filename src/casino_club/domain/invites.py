"""Invite-code validity (SPEC §5.3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


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
