"""Rock-paper-scissors and dice math (SPEC §6.5, §6.6): exact returns by enumeration,
fixed-seed distributions within binomial bounds."""

from __future__ import annotations

import math
from collections import Counter
from fractions import Fraction

import pytest

from casino_club.domain import dice, rps
from casino_club.domain.fairness import SCALE, FairnessInput, take

SAMPLES = 300_000
SEED = bytes.fromhex("d1ce" * 16)


def binomial_bound(p: float, n: int, sigmas: float = 5.0) -> float:
    """Tolerance for an observed frequency: 5 standard deviations of a binomial proportion
    (a false alarm has probability below 10⁻⁶)."""
    return sigmas * math.sqrt(p * (1 - p) / n)


def fixed_seed_uints(n: int, client: str) -> list[int]:
    return [take(FairnessInput(SEED, client, nonce), 1)[0] for nonce in range(n)]


@pytest.mark.parametrize("move", list(rps.Move))
def test_rps_exact_rtp_equals_enumeration(move: rps.Move) -> None:
    stake = 100
    enumerated = (
        sum(
            (
                Fraction(rps.play(stake, move, u).payout, stake)
                for u in (0, SCALE // 3 + 1, SCALE - 1)
            ),
            Fraction(0),
        )
        / 3
    )
    assert enumerated == rps.exact_rtp(move) == Fraction(74, 75)


def test_rps_rules() -> None:
    assert rps.judge(rps.Move.ROCK, rps.Move.SCISSORS) is rps.Result.WIN
    assert rps.judge(rps.Move.ROCK, rps.Move.PAPER) is rps.Result.LOSS
    assert rps.judge(rps.Move.PAPER, rps.Move.PAPER) is rps.Result.DRAW
    assert rps.payout(100, rps.Result.WIN) == 196
    assert rps.payout(11, rps.Result.WIN) == 21  # floor(21.56)
    assert rps.payout(100, rps.Result.DRAW) == 100
    assert rps.payout(100, rps.Result.LOSS) == 0


def test_rps_server_moves_are_uniform_over_fixed_seeds() -> None:
    counts = Counter(rps.server_move(u) for u in fixed_seed_uints(SAMPLES, "rps"))
    for move in rps.Move:
        assert abs(counts[move] / SAMPLES - 1 / 3) < binomial_bound(1 / 3, SAMPLES)


@pytest.mark.parametrize("chance", [100, 101, 1234, 4950, 5000, 9499, 9500])
def test_dice_over_and_under_win_exactly_c_of_the_10000_rolls(chance: int) -> None:
    for direction in dice.Direction:
        winners = sum(dice.wins(roll, chance, direction) for roll in range(dice.ROLLS))
        assert winners == chance


@pytest.mark.parametrize("chance", [100, 333, 4950, 9500])
@pytest.mark.parametrize("stake", [10, 77, 100])
def test_dice_exact_rtp_equals_enumeration(chance: int, stake: int) -> None:
    for direction in dice.Direction:
        total = sum(
            dice.win_payout(stake, chance) if dice.wins(roll, chance, direction) else 0
            for roll in range(dice.ROLLS)
        )
        assert Fraction(total, dice.ROLLS * stake) == dice.exact_rtp(stake, chance)
    assert dice.exact_rtp(stake, chance) <= Fraction(99, 100)


def test_dice_return_is_99_percent_when_payouts_divide_exactly() -> None:
    assert dice.exact_rtp(100, 4950) == Fraction(99, 100)  # pays 200
    assert dice.exact_rtp(100, 100) == Fraction(99, 100)  # pays 9,900


def test_dice_rolls_map_every_value_and_are_uniform_over_fixed_seeds() -> None:
    assert dice.roll_from(0) == 0
    assert dice.roll_from(SCALE - 1) == 9999
    rolls = [dice.roll_from(u) for u in fixed_seed_uints(SAMPLES, "dice")]
    for chance in (100, 4950, 9500):
        p = chance / dice.ROLLS
        for direction in dice.Direction:
            wins = sum(dice.wins(r, chance, direction) for r in rolls)
            assert abs(wins / SAMPLES - p) < binomial_bound(p, SAMPLES)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", 100),
        ("1.00", 100),
        ("49.5", 4950),
        ("95", 9500),
        ("12.34", 1234),
        ("0.99", None),
        ("95.01", None),
        ("1.001", None),
        ("nan", None),
        ("abc", None),
        ("inf", None),
    ],
)
def test_parse_chance(text: str, expected: int | None) -> None:
    assert dice.parse_chance(text) == expected


def test_dice_payout_rounds_down() -> None:
    assert dice.win_payout(10, 3333) == 29  # 10 · 99 / 33.33 = 29.70…
    assert dice.play(10, 3333, dice.Direction.UNDER, 0).payout == 29
