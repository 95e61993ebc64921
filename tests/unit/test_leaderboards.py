"""Leaderboard boards (SPEC §9.3): which exist, their names, the boards a play counts on."""

from __future__ import annotations

from datetime import date

import pytest

from casino_club.domain.games import Game
from casino_club.domain.leaderboards import (
    LEVEL_BOARD,
    Board,
    Metric,
    Period,
    boards_of_play,
)
from casino_club.domain.missions import Periods
from casino_club.persistence.leaderboards import every_board

SUNDAY = Periods(date(2031, 6, 15))


def test_level_is_one_board_without_game_or_period() -> None:
    assert LEVEL_BOARD.problem() is None
    assert Board(Metric.LEVEL, Game.SLOTS, Period.ALL).problem() is not None
    assert Board(Metric.LEVEL, None, Period.DAY).problem() is not None
    assert all(board.problem() is None for board in every_board())


@pytest.mark.parametrize(
    ("board", "key"),
    [
        (Board(Metric.NET_WIN, Game.SLOTS, Period.DAY), "NET_WIN:SLOTS:DAY:2031-06-15"),
        (Board(Metric.NET_WIN, None, Period.WEEK), "NET_WIN:ALL:WEEK:2031-06-09"),
        (Board(Metric.BIGGEST_WIN, Game.CRASH, Period.ALL), "BIGGEST_WIN:CRASH:ALL"),
        (LEVEL_BOARD, "LEVEL"),
    ],
)
def test_a_board_is_named_by_its_metric_scope_and_period(board: Board, key: str) -> None:
    assert board.key(SUNDAY) == key


def test_a_play_counts_on_its_games_and_all_games_boards_day_week_all_in_that_order() -> None:
    """The Redis script relies on this order (position modulo 3 is the period)."""
    boards = boards_of_play(Metric.NET_WIN, Game.DICE)
    assert [(b.game, b.period) for b in boards] == [
        (Game.DICE, Period.DAY),
        (Game.DICE, Period.WEEK),
        (Game.DICE, Period.ALL),
        (None, Period.DAY),
        (None, Period.WEEK),
        (None, Period.ALL),
    ]
    assert {b.metric for b in boards} == {Metric.NET_WIN}


def test_every_board_is_listed_once() -> None:
    boards = every_board()
    assert len(boards) == len(set(boards)) == 2 * (len(Game) + 1) * len(Period) + 1
