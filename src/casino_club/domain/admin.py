"""What operators see (SPEC §11): players with their account's state, their logins, and
the audit trail of every change an operator made."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from casino_club.domain.profiles import Profile


class UserOrder(StrEnum):
    NEWEST = "NEWEST"  # joined most recently first
    OLDEST = "OLDEST"
    RICHEST = "RICHEST"  # most gold first
    TOP_SPENDERS = "TOP_SPENDERS"  # highest lifetime spend first


@dataclass(frozen=True, slots=True)
class AdminUser:
    """A player as operators see them: the full profile and the account's state."""

    profile: Profile
    banned_at: datetime | None
    ban_reason: str | None
    excluded_until: datetime | None  # a cool-off or self-exclusion in force
    lifetime_spend_cents: int


@dataclass(frozen=True, slots=True)
class AdminSession:
    """One login (session) on a player's account."""

    id: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    revoke_reason: str | None
    live: bool  # neither revoked nor expired
    ip: str | None
    user_agent: str | None


@dataclass(frozen=True, slots=True)
class UserUpdated:
    user: Profile


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One operator change: who, what, on what, before and after (JSON as stored)."""

    id: int
    actor_id: int | None
    action: str
    target: str | None
    before: Any
    after: Any
    request_id: str | None
    at: datetime
