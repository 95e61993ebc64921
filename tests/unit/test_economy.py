"""The economy's arithmetic (domain/economy.py): flows per game day and reason, and a
game's return from its cost and payout reasons."""

from __future__ import annotations

from datetime import UTC, date, datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest

from casino_club.domain.economy import (
    MAX_REPORT_DAYS,
    EconomyDay,
    Flow,
    GameReturn,
    Inflation,
    days_between,
    game_returns,
    report_range_problem,
    tally,
)
from casino_club.domain.games import Game

SEOUL = ZoneInfo("Asia/Seoul")


def test_rows_fall_on_the_game_day_of_the_game_time_zone() -> None:
    before = datetime(2026, 11, 22, 14, 59, 59, tzinfo=UTC)  # 23:59:59 in Seoul
    after = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)  # midnight in Seoul
    rows = [(-100, "SLOT_BET", before), (250, "SLOT_WIN", before), (-100, "SLOT_BET", after)]
    assert tally(rows, SEOUL) == {
        (date(2026, 11, 22), "SLOT_BET"): Flow(issued=0, sunk=100, movements=1),
        (date(2026, 11, 22), "SLOT_WIN"): Flow(issued=250, sunk=0, movements=1),
        (date(2026, 11, 23), "SLOT_BET"): Flow(issued=0, sunk=100, movements=1),
    }
    assert set(tally(rows, ZoneInfo("UTC"))) == {
        (date(2026, 11, 22), "SLOT_BET"),
        (date(2026, 11, 22), "SLOT_WIN"),
    }


def test_a_reason_can_issue_and_sink_on_one_day() -> None:
    at = datetime(2026, 11, 22, 12, tzinfo=UTC)
    rows = [(500, "ADMIN_ADJUSTMENT", at), (-200, "ADMIN_ADJUSTMENT", at)]
    assert tally(rows, SEOUL) == {
        (date(2026, 11, 22), "ADMIN_ADJUSTMENT"): Flow(issued=500, sunk=200, movements=2)
    }


def test_a_games_return_is_paid_over_staked() -> None:
    flows = {
        "SLOT_BET": Flow(sunk=1_000, movements=10),
        "SLOT_WIN": Flow(issued=954, movements=4),
        "WHEEL_PRIZE": Flow(issued=300, movements=1),  # a free spin: paid, nothing staked
    }
    returns = {r.game: r for r in game_returns(flows)}
    assert returns[Game.SLOTS] == GameReturn(Game.SLOTS, paid_plays=10, staked=1_000, paid=954)
    assert returns[Game.SLOTS].realised == Fraction(954, 1_000)
    assert returns[Game.WHEEL].realised is None and returns[Game.WHEEL].paid == 300
    assert returns[Game.DICE] == GameReturn(Game.DICE, 0, 0, 0)
    assert set(returns) == set(Game)


def test_a_games_return_stands_beside_the_one_it_publishes() -> None:
    flows = {"DICE_BET": Flow(sunk=400, movements=4), "DICE_WIN": Flow(issued=396, movements=2)}
    returns = {r.game: r for r in game_returns(flows, {Game.DICE: 0.99})}
    assert (returns[Game.DICE].realised_rtp, returns[Game.DICE].published_rtp) == (0.99, 0.99)
    assert (returns[Game.GACHA].realised_rtp, returns[Game.GACHA].published_rtp) == (None, None)


def test_a_days_net_is_what_wallets_grew_by() -> None:
    assert EconomyDay(date(2026, 1, 1), issued=500, sunk=800, reasons=()).net == -300


def test_a_report_covers_one_to_ninety_two_days_forwards() -> None:
    day = date(2026, 1, 1)
    assert report_range_problem(day, day) is None
    assert report_range_problem(day, date(2026, 4, 2)) is None  # 92 days
    assert len(days_between(day, date(2026, 4, 2))) == MAX_REPORT_DAYS
    assert report_range_problem(day, date(2026, 4, 3)) is not None
    assert report_range_problem(day, date(2025, 12, 31)) is not None


@pytest.mark.parametrize(
    ("issued", "sunk", "circulation", "percent", "alarm"),
    [
        (1_150, 0, 10_000, 11.5, False),
        (1_500, 0, 10_000, 15.0, False),  # at the threshold: not above it
        (1_501, 0, 10_000, 15.01, True),
        (500, 2_000, 10_000, -15.0, False),  # the economy shrank
        (1, 0, 0, 0.0, True),  # nothing in circulation: any net issue
        (0, 0, 0, 0.0, False),
    ],
)
def test_the_inflation_alarm(
    issued: int, sunk: int, circulation: int, percent: float, alarm: bool
) -> None:
    inflation = Inflation(issued, sunk, circulation, threshold_percent=15.0)
    assert (inflation.percent, inflation.alarm) == (percent, alarm)
