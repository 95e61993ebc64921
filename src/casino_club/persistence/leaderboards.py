"""Leaderboards from SQL (SPEC §9.3): the embedded mode's boards, and what the Redis
boards of production mode are rebuilt from (persistence/redis_leaderboards.py).

All-time boards read each player's per-game totals (`player_stats`); a day's or a
week's read the history rows of that period; LEVEL reads every player's experience.
Ranked as domain/leaderboards.py says: score, then the higher id.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any, NamedTuple, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from casino_club.domain.accounts import Role
from casino_club.domain.days import midnight
from casino_club.domain.games import Game
from casino_club.domain.leaderboards import LEVEL_BOARD, Board, Metric, Period
from casino_club.domain.missions import Periods
from casino_club.persistence.models import GameRound, PlayerStats, User, table
from casino_club.persistence.player_stats import TOTAL_XP

_users = table(User)


class Ranked(NamedTuple):
    user_id: int
    score: int


class Leaderboards(Protocol):
    """Where boards are read from and fed: Redis in production mode, SQL in embedded
    mode (whose boards are the history itself, so feeding them is nothing)."""

    async def top(self, board: Board, periods: Periods, limit: int) -> list[Ranked]:
        """The board's first `limit` players in rank order."""
        ...

    async def add_play(
        self, user_id: int, game: Game, stake: int, payout: int, periods: Periods
    ) -> None: ...

    async def set_xp(self, user_id: int, xp: int) -> None: ...

    async def built(self) -> bool:
        """Whether the boards exist where they are read."""
        ...

    async def rebuild(self, periods: Periods) -> int:
        """Write the current boards from SQL; how many were written."""
        ...


class SqlLeaderboards:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], zone: ZoneInfo) -> None:
        self._sessionmaker = sessionmaker
        self._zone = zone

    async def top(self, board: Board, periods: Periods, limit: int) -> list[Ranked]:
        async with self._sessionmaker() as session:
            return await ranked(session, board, periods, self._zone, limit)

    async def add_play(
        self, user_id: int, game: Game, stake: int, payout: int, periods: Periods
    ) -> None:
        """Nothing to do: the play's history row, already committed, is the board."""

    async def set_xp(self, user_id: int, xp: int) -> None:
        """Nothing to do: experience is read where it is kept."""

    async def built(self) -> bool:
        return True  # SQL is the board

    async def rebuild(self, periods: Periods) -> int:
        return 0  # nothing to write: SQL is the board


async def ranked(
    session: AsyncSession, board: Board, periods: Periods, zone: ZoneInfo, limit: int | None
) -> list[Ranked]:
    """The board's players in rank order (all of them if `limit` is None)."""
    query = _scores(board, periods, zone)
    score, user_id = query.selected_columns.score, query.selected_columns.user_id
    query = query.order_by(score.desc(), user_id.desc())
    if limit is not None:
        query = query.limit(limit)
    rows = await session.execute(query)
    return [Ranked(int(user), int(points)) for user, points in rows]


def _scores(board: Board, periods: Periods, zone: ZoneInfo) -> Select[Any]:
    if board.metric is Metric.LEVEL:
        # Operators do not play, and their experience (a daily reward's) ranks nowhere.
        xp = (
            select(_users.c.id.label("user_id"), TOTAL_XP)
            .where(_users.c.role != Role.ADMIN.value)
            .subquery()
        )
        return select(xp.c.user_id, xp.c.xp.label("score")).where(xp.c.xp > 0)
    if board.period is Period.ALL:
        user_id, game = PlayerStats.user_id, PlayerStats.game
        net: ColumnElement[int] = func.sum(PlayerStats.paid - PlayerStats.staked)
        best: ColumnElement[int] = func.max(PlayerStats.biggest_win)
        query = select(user_id.label("user_id"))
    else:
        first = periods.day if board.period is Period.DAY else periods.week
        days = 1 if board.period is Period.DAY else 7
        user_id, game = GameRound.user_id, GameRound.game
        net = func.sum(GameRound.payout - GameRound.stake)
        best = func.max(GameRound.payout)
        query = select(user_id.label("user_id")).where(
            GameRound.created_at >= midnight(first, zone),
            GameRound.created_at < midnight(first + timedelta(days=days), zone),
        )
    if board.game is not None:
        query = query.where(game == board.game.value)
    query = query.group_by(user_id)
    if board.metric is Metric.NET_WIN:
        return query.add_columns(net.label("score"))
    return query.add_columns(best.label("score")).having(best > 0)


def every_board() -> Sequence[Board]:
    """Every board there is (for one set of periods)."""
    scopes: list[Game | None] = [None, *Game]
    return [
        Board(metric, game, period)
        for metric in (Metric.NET_WIN, Metric.BIGGEST_WIN)
        for game in scopes
        for period in Period
    ] + [LEVEL_BOARD]
