"""Leaderboard types (SPEC §9.3)."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from casino_club.context import Context
from casino_club.domain import leaderboards, profiles
from casino_club.domain.leaderboards import Metric, Period
from casino_club.resolvers import users as user_cases
from casino_club.schema.fairness import GameEnum
from casino_club.schema.outcomes import presents
from casino_club.schema.scalars import Gold
from casino_club.schema.users import PublicUser

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


async def _player(
    info: Info[Context, Any], root: strawberry.Parent[leaderboards.LeaderboardEntry]
) -> profiles.PublicUser:
    # The board's use case loaded every player it shows: this load is the same
    # request's, answered from the loader's cache.
    user = await info.context.loaders.users.load(root.user_id)
    assert user is not None, "the board shows only players it found"
    return user_cases.public_view(user)


@presents(leaderboards.LeaderboardEntry)
@strawberry.type(description="One player's place on a board.")
class LeaderboardEntry:
    rank: int = strawberry.field(description="1 is the top; equal scores: newer player first.")
    user: PublicUser = strawberry.field(resolver=_player, graphql_type=PublicUser)
    value: Gold = strawberry.field(description="Gold for NET_WIN and BIGGEST_WIN, XP for LEVEL.")


@presents(leaderboards.Leaderboard, described=True)
@strawberry.type
class Leaderboard:
    metric: LeaderboardMetricEnum  # type: ignore[valid-type]
    game: GameEnum | None = strawberry.field(description="null: every game.")  # type: ignore[valid-type]
    period: LeaderboardPeriodEnum  # type: ignore[valid-type]
    entries: list[LeaderboardEntry]
