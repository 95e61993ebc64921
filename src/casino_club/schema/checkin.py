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
    day: date = strawberry.field(
        description="The game day (GAME_TIMEZONE, UTC by default) it was claimed for."
    )
    streak: int = strawberry.field(description="Consecutive days claimed, this one included.")
    gold: Gold = strawberry.field(description="Gold credited: 1000 + 200 × min(streak, 30).")
    xp: int = strawberry.field(description="XP credited: 50 + 25 × min(streak, 30).")
    protections_used: int = strawberry.field(
        description="Missed days covered by streak protection (one item each)."
    )
    balance: Gold = strawberry.field(description="The caller's gold after the reward.")
    level: int = strawberry.field(description="The caller's level after the XP.")


@presents(checkin.AlreadyClaimed)
@strawberry.type(description="Already claimed; the next claim opens at `availableAt`.")
class AlreadyClaimed(UserError):
    available_at: datetime | None = strawberry.field(
        description="null when it never opens again (a one-time reward)."
    )


ClaimDailyRewardResult = Annotated[
    DailyRewardClaimed | AlreadyClaimed | PlayerExcluded,
    strawberry.union(
        "ClaimDailyRewardResult",
        description="claimDailyReward's answer: the reward, or why none was given.",
    ),
]


@presents(checkin.CheckInDay, described=True)
@strawberry.type
class CheckInDay:
    day: date = strawberry.field(
        description="The game day (GAME_TIMEZONE, UTC by default) it was claimed for."
    )
    streak: int = strawberry.field(description="Consecutive days claimed, this one included.")
    gold: Gold = strawberry.field(description="Gold credited: 1000 + 200 × min(streak, 30).")
    xp: int = strawberry.field(description="XP credited: 50 + 25 × min(streak, 30).")
    protections_used: int = strawberry.field(
        description="Missed days covered by streak protection (one item each)."
    )


@presents(checkin.Attendance, described=True)
@strawberry.type
class Attendance:
    year: int = strawberry.field(description="The year asked.")
    month: int = strawberry.field(description="The month asked, 1–12.")
    days: list[CheckInDay] = strawberry.field(
        description="The days claimed in that month, oldest first."
    )
