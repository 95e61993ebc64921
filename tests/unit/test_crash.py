"""Crash math (SPEC §6.4): the crash-point mapping and its exact distribution, the curve
in integer hundredths, cash-out timing at the millisecond, and a 10^6-round fixed-seed
distribution within binomial bounds."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casino_club.domain import crash
from casino_club.domain.crash import Ending, Plan, RoundStatus
from casino_club.domain.fairness import SCALE, FairnessInput, uints
from casino_club.domain.hundredths import parse_hundredths

ROUNDS = 1_000_000
SEED = bytes.fromhex("c4a5" * 16)


def binomial_bound(p: float, n: int, sigmas: float = 5.0) -> float:
    """5 standard deviations of a binomial proportion: a false alarm has probability
    below 6·10⁻⁷ per comparison (and the seed is fixed, so the run is reproducible)."""
    return sigmas * math.sqrt(p * (1 - p) / n)


def reference_crash_point(u: int) -> int:
    """The spec's formula with exact rationals: max(1.00, floor(99 / (1 − X)) / 100)."""
    x = Fraction(u, SCALE)
    return max(100, math.floor(Fraction(99) / (1 - x)))


@pytest.mark.parametrize(
    "u", [0, 1, 2**31, 2**32 - 1, 2**32 - 2, 85_899_345, 85_899_346, 3_000_000_000]
)
def test_crash_point_is_the_spec_formula_in_hundredths(u: int) -> None:
    assert crash.crash_point(u) == reference_crash_point(u)


def test_crash_point_extremes() -> None:
    assert crash.crash_point(0) == 100  # X = 0 → floor(99) = 0.99 → max(1.00, …)
    assert crash.crash_point(2**31) == 198  # X = 0.5 → floor(198) / 100
    assert crash.crash_point(SCALE - 1) == 99 * SCALE
    with pytest.raises(ValueError, match="32-bit"):
        crash.crash_point(SCALE)


@pytest.mark.parametrize("m", [101, 150, 200, 500, 1_000, 10_000, 12_345, 10**8])
def test_exact_survival_counts_the_floats_at_the_boundary(m: int) -> None:
    """The first u with crash ≥ m is 2**32 − ⌊99·2**32 / m⌋, so exactly that many floats
    reach m; the published 0.99 / m is within 2**-32 of it."""
    first = SCALE - crash.exact_survival(m) * SCALE
    assert first.denominator == 1
    assert crash.crash_point(int(first)) >= m > crash.crash_point(int(first) - 1)
    assert abs(crash.exact_survival(m) - crash.survival(m)) < Fraction(1, SCALE)
    assert crash.survival(m) == Fraction(99, m)


@pytest.mark.parametrize("target", [101, 150, 200, 1_000, 10**6, crash.MAX_AUTO_CASHOUT])
def test_every_auto_cashout_returns_99_percent(target: int) -> None:
    """P(crash ≥ a) · a = 0.99 up to the 2**-32 grid of the floats."""
    assert abs(crash.auto_cashout_return(target) - Fraction(99, 100)) <= Fraction(
        target, 100 * SCALE
    )


def test_instant_crash_probability() -> None:
    """crash = 1.00 exactly when 99 / (1 − X) < 101: P = 2/101 (within 2**-32)."""
    instant = 1 - crash.exact_survival(101)
    assert abs(instant - Fraction(2, 101)) < Fraction(1, SCALE)


def test_curve_known_points() -> None:
    assert crash.multiplier_at(0) == 100
    assert crash.multiplier_at(-5) == 100
    assert crash.reach_ms(100) == 0
    # ln 2 / 0.00006 = 11552.45…: 2.00× is first shown at 11,553 ms.
    assert crash.reach_ms(200) == 11_553
    assert crash.multiplier_at(11_552) == 199
    assert crash.multiplier_at(11_553) == 200
    # ln 1.01 / 0.00006 = 165.8…
    assert crash.reach_ms(101) == 166


@pytest.mark.parametrize("elapsed", [*range(0, 20_000, 97), 60_000, 120_000, 200_000])
def test_curve_matches_the_float_formula_where_doubles_are_exact_enough(elapsed: int) -> None:
    """Below ~1.6·10^7 hundredths a double resolves floor(100·e^(0.06·t)) correctly; beyond
    that (rounds over 5 minutes) only the decimal computation is trustworthy."""
    assert crash.multiplier_at(elapsed) == math.floor(100 * math.exp(0.06 * elapsed / 1000))


@given(st.integers(min_value=101, max_value=99 * SCALE))
def test_reach_ms_is_the_first_millisecond_showing_the_multiplier(multiplier: int) -> None:
    at = crash.reach_ms(multiplier)
    assert crash.multiplier_at(at) >= multiplier > crash.multiplier_at(at - 1)


@given(st.integers(min_value=0, max_value=400_000), st.integers(min_value=0, max_value=5_000))
def test_the_multiplier_never_decreases(elapsed: int, later: int) -> None:
    assert crash.multiplier_at(elapsed) <= crash.multiplier_at(elapsed + later)


def test_cash_out_just_before_at_and_after_the_crash() -> None:
    plan = Plan(crash_point=250)
    crash_ms = crash.reach_ms(250)
    before = crash.cash_out(plan, crash_ms - 1)
    assert before == Ending(RoundStatus.CASHED_OUT, crash.multiplier_at(crash_ms - 1), crash_ms - 1)
    assert before.multiplier == 249
    assert before.payout(1_000) == 2_490
    for elapsed in (crash_ms, crash_ms + 1, crash_ms + 60_000):
        assert crash.cash_out(plan, elapsed) == Ending(RoundStatus.CRASHED, 250, crash_ms)
        assert crash.cash_out(plan, elapsed).payout(1_000) == 0


def test_an_instant_crash_beats_even_an_immediate_cash_out() -> None:
    plan = Plan(crash_point=100, auto_cashout=101)
    assert plan.ends_ms == 0
    assert crash.cash_out(plan, 0) == Ending(RoundStatus.CRASHED, 100, 0)


def test_auto_cashout_pays_exactly_at_the_target_when_the_round_reaches_it() -> None:
    plan = Plan(crash_point=300, auto_cashout=150)
    at = crash.reach_ms(150)
    assert plan.ends_ms == at
    assert crash.ending_by(plan, at - 1) is None
    assert crash.ending_by(plan, at) == Ending(RoundStatus.CASHED_OUT, 150, at)
    # A later manual cash-out finds the auto-cash-out already done.
    assert crash.cash_out(plan, at + 5_000) == Ending(RoundStatus.CASHED_OUT, 150, at)
    # Before the target, a manual cash-out wins at the multiplier of the moment.
    assert crash.cash_out(plan, at - 1).multiplier == 149
    assert Ending(RoundStatus.CASHED_OUT, 150, at).payout(333) == 499  # floor(499.5)


def test_auto_cashout_at_the_crash_point_wins_and_above_it_loses() -> None:
    tie = Plan(crash_point=200, auto_cashout=200)
    assert crash.ending_by(tie, crash.reach_ms(200)) == Ending(
        RoundStatus.CASHED_OUT, 200, crash.reach_ms(200)
    )
    above = Plan(crash_point=200, auto_cashout=201)
    assert not above.auto_wins
    assert above.ends_ms == crash.reach_ms(200)
    assert crash.ending_by(above, 10**9) == Ending(RoundStatus.CRASHED, 200, crash.reach_ms(200))


def test_fixed_seed_rounds_follow_p_crash_at_least_m() -> None:
    """10^6 rounds of one fixed seed, float 0 of each nonce's stream, as the server plays
    them: P(crash ≥ m) within 5σ of 0.99 / m for every m the issue names."""
    points = [
        crash.crash_point(next(uints(FairnessInput(SEED, "crash-distribution", nonce))))
        for nonce in range(ROUNDS)
    ]
    for m in (101, 150, 200, 500, 1_000, 10_000):
        p = float(crash.survival(m))
        observed = sum(point >= m for point in points) / ROUNDS
        assert abs(observed - p) < binomial_bound(p, ROUNDS), (m, observed, p)
    instant = sum(point == 100 for point in points) / ROUNDS
    assert abs(instant - 2 / 101) < binomial_bound(2 / 101, ROUNDS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1.01", 101), ("2", 200), ("1000000", 100_000_000), ("1.005", None), ("x", None)],
)
def test_multipliers_parse_as_hundredths(text: str, expected: int | None) -> None:
    assert parse_hundredths(text) == expected
