"""A player as the API shows them (SPEC §5.4): the full profile its owner and operators
see, the public view anyone may, and the account's login record.

A profile holds what one read of the account gives; what else it shows (experience,
the ledger, history, limits …) is read field by field from its `id`, so a client pays
only for what it selects, and only its owner or an operator may read those.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from casino_club.domain.accounts import Rank, Role
from casino_club.domain.login_lockout import LoginOutcome


@dataclass(frozen=True, slots=True)
class Profile:
    id: int
    site_id: str
    nickname: str
    rank: Rank
    role: Role
    gold: int
    gold_debt: int  # owed after a refund: no play while above 0
    created_at: datetime
    last_login_at: datetime | None
    # The daily streak as the last check-in left it: domain/checkin.streak_alive tells
    # what it is today (0 once a day was missed).
    last_checkin_day: date | None
    streak_at_last_checkin: int


@dataclass(frozen=True, slots=True)
class PublicUser:
    id: int
    nickname: str
    rank: Rank
    joined_at: datetime


@dataclass(frozen=True, slots=True)
class LoginAttempt:
    """One recorded login attempt on an account."""

    id: int  # the record's: where a page of them ends (not shown)
    at: datetime
    success: bool
    outcome: LoginOutcome
    ip: str | None
    user_agent: str | None
