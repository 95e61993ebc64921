"""Leaderboards (SPEC §9.3): which boards exist, what a finished play scores on them,
and how a board is ranked.

A board is a metric over a scope: NET_WIN (payouts minus stakes) and BIGGEST_WIN (the
largest payout of one play, as `me.stats` has it) for one game or all of them, over the
game day, the game week (from Monday) or all time; LEVEL ranks every player by XP and
has no game or period. Players rank by score, highest first; equal scores by the newer
player first (the higher id), the order Redis gives equal scores of zero-padded ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from casino_club.domain.games import Game
from casino_club.domain.missions import Periods
from casino_club.domain.profiles import PublicUser

ALL_GAMES = "ALL"


class Metric(StrEnum):
    NET_WIN = "NET_WIN"
    BIGGEST_WIN = "BIGGEST_WIN"
    LEVEL = "LEVEL"


class Period(StrEnum):
    DAY = "DAY"
    WEEK = "WEEK"
    ALL = "ALL"


@dataclass(frozen=True, slots=True)
class Board:
    metric: Metric
    game: Game | None  # None: every game
    period: Period

    def problem(self) -> str | None:
        """Why this board does not exist, if it does not."""
        if self.metric is Metric.LEVEL and (self.game is not None or self.period is not Period.ALL):
            return "LEVEL is one board: every game, all time (no game, period ALL)"
        return None

    def key(self, periods: Periods) -> str:
        """The board's name for the current period: e.g. NET_WIN:SLOTS:DAY:2031-06-15."""
        if self.metric is Metric.LEVEL:
            return LEVEL_KEY
        scope = ALL_GAMES if self.game is None else self.game.value
        if self.period is Period.DAY:
            return f"{self.metric}:{scope}:DAY:{periods.day.isoformat()}"
        if self.period is Period.WEEK:
            return f"{self.metric}:{scope}:WEEK:{periods.week.isoformat()}"
        return f"{self.metric}:{scope}:ALL"


LEVEL_KEY = Metric.LEVEL.value
LEVEL_BOARD = Board(Metric.LEVEL, None, Period.ALL)


def boards_of_play(metric: Metric, game: Game) -> tuple[Board, ...]:
    """The boards of `metric` a play of `game` counts on: its game's, then all games';
    each for the day, the week and all time (in Period's order). A play adds its net
    (payout − stake) to NET_WIN's, and its payout, if any, to BIGGEST_WIN's maxima."""
    return tuple(Board(metric, scope, period) for scope in (game, None) for period in Period)


@dataclass(frozen=True, slots=True)
class LeaderboardEntry:
    """One player's place on a board: `rank` 1 is the top; `value` is gold for NET_WIN
    and BIGGEST_WIN, XP for LEVEL."""

    rank: int
    user: PublicUser
    value: int


@dataclass(frozen=True, slots=True)
class Leaderboard:
    """The top players of one board."""

    metric: Metric
    game: Game | None  # None: every game
    period: Period
    entries: tuple[LeaderboardEntry, ...]
