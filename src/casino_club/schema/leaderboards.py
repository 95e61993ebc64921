"""Leaderboard types (SPEC §9.3)."""

from __future__ import annotations

import strawberry

from casino_club.domain import leaderboards
from casino_club.domain.leaderboards import Metric, Period
from casino_club.schema.fairness import GameEnum
from casino_club.schema.outcomes import presents
from casino_club.schema.scalars import Gold
from casino_club.schema.users import Player

LeaderboardMetricEnum = strawberry.enum(
    Metric,
    name="LeaderboardMetric",
    description="NET_WIN: payouts minus stakes; BIGGEST_WIN: the largest payout of one "
    "play; LEVEL: experience (one board: every game, all time).",
)
LeaderboardPeriodEnum = strawberry.enum(
    Period,
    name="LeaderboardPeriod",
    description="The current game day, the current game week (from Monday), or all time.",
)


@presents(leaderboards.LeaderboardEntry)
@strawberry.type(description="One player's place on a board.")
class LeaderboardEntry:
    rank: int = strawberry.field(description="1 is the top; equal scores: newer player first.")
    user: Player
    value: Gold = strawberry.field(description="Gold for NET_WIN and BIGGEST_WIN, XP for LEVEL.")


@presents(leaderboards.Leaderboard, described=True)
@strawberry.type
class Leaderboard:
    metric: LeaderboardMetricEnum  # type: ignore[valid-type]
    game: GameEnum | None = strawberry.field(description="null: every game.")  # type: ignore[valid-type]
    period: LeaderboardPeriodEnum  # type: ignore[valid-type]
    entries: list[LeaderboardEntry]
