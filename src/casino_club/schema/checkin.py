"""Daily check-in types (SPEC §8.1)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry

from casino_club.persistence.models import DailyCheckIn
from casino_club.schema.errors import UserError
from casino_club.schema.games import PlayerExcluded
from casino_club.schema.scalars import Gold


@strawberry.type(description="Today's reward, claimed: the streak it continued and what it paid.")
class DailyRewardClaimed:
    day: date
    streak: int
    gold: Gold
    xp: int
    protections_used: int = strawberry.field(
        description="Missed days covered by streak protection (one item each)."
    )
    balance: Gold
    level: int


@strawberry.type(description="Already claimed; the next claim opens at `availableAt`.")
class AlreadyClaimed(UserError):
    available_at: datetime | None = strawberry.field(
        description="null when it never opens again (a one-time reward)."
    )

    @classmethod
    def new(cls, available_at: datetime | None) -> AlreadyClaimed:
        when = "never again" if available_at is None else f"at {available_at.isoformat()}"
        return cls(
            code="ALREADY_CLAIMED",
            message=f"Already claimed; the next claim opens {when}",
            available_at=available_at,
        )


ClaimDailyRewardResult = Annotated[
    DailyRewardClaimed | AlreadyClaimed | PlayerExcluded,
    strawberry.union("ClaimDailyRewardResult"),
]


@strawberry.type(description="One claimed day.")
class CheckInDay:
    day: date
    streak: int
    gold: Gold
    xp: int
    protections_used: int

    @classmethod
    def of(cls, row: DailyCheckIn) -> CheckInDay:
        return cls(
            day=row.day,
            streak=row.streak,
            gold=Gold(row.gold),
            xp=row.xp,
            protections_used=row.protections_used,
        )


@strawberry.type(description="The days of a month the daily reward was claimed.")
class Attendance:
    year: int
    month: int
    days: list[CheckInDay]
