"""Leaderboards (SPEC §9.3): reading a board, and writing Redis's boards from SQL.
Plays reach the boards through resolvers/leaderboard_feed.py."""

from __future__ import annotations

from redis.exceptions import RedisError

from casino_club.context import Context
from casino_club.domain.errors import BadUserInput, ServiceUnavailable
from casino_club.domain.games import Game
from casino_club.domain.leaderboards import Board, Leaderboard, LeaderboardEntry, Metric, Period
from casino_club.domain.missions import periods_at
from casino_club.domain.pagination import check_first
from casino_club.resolvers.users import public_view
from casino_club.services import Services


async def leaderboard(
    context: Context, metric: Metric, period: Period, game: Game | None, first: int
) -> Leaderboard:
    services = context.services
    board = Board(metric, game, period)
    problem = board.problem()
    if problem is not None:
        raise BadUserInput(problem)
    check_first(first)
    periods = periods_at(services.clock.now(), services.settings.zone)
    try:
        ranked = await services.leaderboards.top(board, periods, first)
    except (RedisError, OSError) as exc:
        raise ServiceUnavailable from exc
    # A player removed since the board was written is left out, and those below move up.
    users = await context.loaders.users.load_many([entry.user_id for entry in ranked])
    shown = [(entry, user) for entry, user in zip(ranked, users, strict=True) if user is not None]
    return Leaderboard(
        metric=metric,
        game=game,
        period=period,
        entries=tuple(
            LeaderboardEntry(rank=rank, user=public_view(user), value=entry.score)
            for rank, (entry, user) in enumerate(shown, 1)
        ),
    )


async def rebuild_if_missing(services: Services) -> int:
    """Write the boards from SQL if they are missing where they are read (production:
    a first start, or a Redis that restarted empty); how many boards were written."""
    if await services.leaderboards.built():
        return 0
    return await rebuild(services)


async def rebuild(services: Services) -> int:
    """Write every current board from SQL (production mode; embedded mode reads SQL)."""
    periods = periods_at(services.clock.now(), services.settings.zone)
    return await services.leaderboards.rebuild(periods)
