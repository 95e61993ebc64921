"""The daily check-in (SPEC §8.1): one claim per game day, a streak of consecutive days,
and a reward that grows with the streak.

A day missed breaks the streak, unless the player holds streak protection: one item
covers one missed day, so a gap of three days needs three. A gap the player cannot
cover entirely starts a new streak and uses none (an item is not spent on a streak it
does not save).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar

from casino_club.domain.errors import ErrorCode

REWARD_STREAK_CAP = 30  # the formula stops growing after a month


@dataclass(frozen=True, slots=True)
class CheckIn:
    """What today's claim makes of the streak."""

    streak: int
    protections_used: int  # missed days covered by streak protection

    @property
    def gold(self) -> int:
        return 1000 + 200 * min(self.streak, REWARD_STREAK_CAP)

    @property
    def xp(self) -> int:
        return 50 + 25 * min(self.streak, REWARD_STREAK_CAP)


def check_in(last_day: date | None, streak: int, today: date, protections: int) -> CheckIn:
    """Today's claim after a claim on `last_day` (None: never) that left `streak`; the
    caller has made sure today is not claimed yet."""
    if last_day is None or last_day >= today:
        return CheckIn(streak=1, protections_used=0)
    missed = (today - last_day).days - 1
    if missed == 0:
        return CheckIn(streak=streak + 1, protections_used=0)
    if missed <= protections:
        return CheckIn(streak=streak + 1, protections_used=missed)
    return CheckIn(streak=1, protections_used=0)


def streak_alive(last_day: date | None, streak: int, today: date) -> int:
    """The streak as it stands today: kept while today or yesterday was claimed, else 0
    (a claim may still revive it with streak protection)."""
    if last_day is None or (today - last_day).days > 1:
        return 0
    return streak


@dataclass(frozen=True, slots=True)
class DailyRewardClaimed:
    """Today's reward, claimed: the streak it continued and what it paid."""

    day: date
    streak: int
    gold: int
    xp: int
    protections_used: int
    balance: int
    level: int


@dataclass(frozen=True, slots=True)
class AlreadyClaimed:
    """Claimed already (today's reward, or a mission's in this period); the next claim
    opens at `available_at`, or never (None: a one-time reward)."""

    code: ClassVar[ErrorCode] = ErrorCode.ALREADY_CLAIMED
    available_at: datetime | None

    @property
    def message(self) -> str:
        when = "never again" if self.available_at is None else f"at {self.available_at.isoformat()}"
        return f"Already claimed; the next claim opens {when}"


@dataclass(frozen=True, slots=True)
class CheckInDay:
    """One claimed day."""

    day: date
    streak: int
    gold: int
    xp: int
    protections_used: int


@dataclass(frozen=True, slots=True)
class Attendance:
    """The days of a month the daily reward was claimed."""

    year: int
    month: int
    days: tuple[CheckInDay, ...]
