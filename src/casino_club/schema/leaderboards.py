"""Leaderboard types (SPEC §9.3)."""

from __future__ import annotations

import strawberry

from casino_club.domain import leaderboards
from casino_club.domain.leaderboards import Metric, Period
from casino_club.schema.enums import graphql_enum
from casino_club.schema.fairness import GameEnum
from casino_club.schema.outcomes import presents
from casino_club.schema.scalars import Gold
from casino_club.schema.users import Player

LeaderboardMetricEnum = graphql_enum(
    Metric,
    "LeaderboardMetric",
    "NET_WIN: payouts minus stakes; BIGGEST_WIN: the largest payout of one "
    "play; LEVEL: experience (one board: every game, all time).",
    {
        Metric.NET_WIN: "Gold paid out minus gold staked over the period.",
        Metric.BIGGEST_WIN: "The largest payout of one play in the period, in gold.",
        Metric.LEVEL: "Experience points: one board, every game, all time.",
    },
)
LeaderboardPeriodEnum = graphql_enum(
    Period,
    "LeaderboardPeriod",
    "The current game day, the current game week (from Monday), or all time.",
    {
        Period.DAY: "The current game day.",
        Period.WEEK: "The current game week, from Monday.",
        Period.ALL: "All time.",
    },
)


@presents(leaderboards.LeaderboardEntry)
@strawberry.type(description="One player's place on a board.")
class LeaderboardEntry:
    rank: int = strawberry.field(description="1 is the top; equal scores: newer player first.")
    user: Player = strawberry.field(
        description="The player (players hidden by their privacy setting are left out)."
    )
    value: Gold = strawberry.field(description="Gold for NET_WIN and BIGGEST_WIN, XP for LEVEL.")


@presents(leaderboards.Leaderboard, described=True)
@strawberry.type
class Leaderboard:
    metric: LeaderboardMetricEnum = strawberry.field(  # type: ignore[valid-type]
        description="What is ranked."
    )
    game: GameEnum | None = strawberry.field(description="null: every game.")  # type: ignore[valid-type]
    period: LeaderboardPeriodEnum = strawberry.field(  # type: ignore[valid-type]
        description="Over what time."
    )
    entries: list[LeaderboardEntry] = strawberry.field(
        description="The top players, best first (at most `first`)."
    )
