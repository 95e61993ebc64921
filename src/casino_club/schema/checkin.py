"""Daily check-in types (SPEC §8.1)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry

from casino_club.domain import checkin
from casino_club.schema.errors import UserError
from casino_club.schema.games import PlayerExcluded
from casino_club.schema.identity import LazyPlayer as Player
from casino_club.schema.identity import player as player_field
from casino_club.schema.outcomes import presents
from casino_club.schema.scalars import Gold


@presents(checkin.DailyRewardClaimed, described=True)
@strawberry.type
class DailyRewardClaimed:
    player: Player = player_field(
        description="The caller, as this left them (their gold, level and streak)."
    )
    day: date
    streak: int
    gold: Gold
    xp: int
    protections_used: int = strawberry.field(
        description="Missed days covered by streak protection (one item each)."
    )
    balance: Gold
    level: int


@presents(checkin.AlreadyClaimed)
@strawberry.type(description="Already claimed; the next claim opens at `availableAt`.")
class AlreadyClaimed(UserError):
    available_at: datetime | None = strawberry.field(
        description="null when it never opens again (a one-time reward)."
    )


ClaimDailyRewardResult = Annotated[
    DailyRewardClaimed | AlreadyClaimed | PlayerExcluded,
    strawberry.union("ClaimDailyRewardResult"),
]


@presents(checkin.CheckInDay, described=True)
@strawberry.type
class CheckInDay:
    day: date
    streak: int
    gold: Gold
    xp: int
    protections_used: int


@presents(checkin.Attendance, described=True)
@strawberry.type
class Attendance:
    year: int
    month: int
    days: list[CheckInDay]
