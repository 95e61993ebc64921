"""Prize wheel math (SPEC §6.6): expected value by enumeration, fixed-seed distribution."""

from __future__ import annotations

import math
from collections import Counter
from fractions import Fraction

import pytest

from casino_club.domain import wheel
from casino_club.domain.fairness import SCALE, FairnessInput, take
from casino_club.domain.wheel import DEFAULT_SEGMENTS, PrizeKind, Segment


def test_expected_gold_equals_enumeration_of_every_weight_unit() -> None:
    total = sum(s.weight for s in DEFAULT_SEGMENTS)
    # Walk the u space at the start of each weight unit: every unit is equally likely.
    units = [wheel.spin(-(-k * SCALE // total)) for k in range(total)]
    assert Counter(units) == {i: s.weight for i, s in enumerate(DEFAULT_SEGMENTS)}
    enumerated = Fraction(sum(DEFAULT_SEGMENTS[i].gold for i in units), total)
    assert enumerated == wheel.expected_gold() == Fraction(250)
    assert wheel.expected_items() == {
        "gacha-ticket": Fraction(3, 100),
        "streak-protection": Fraction(8, 100),
    }


def test_a_paid_spin_returns_less_than_it_costs_in_gold() -> None:
    assert wheel.expected_gold() < wheel.SPIN_COST


def test_fixed_seed_distribution_within_binomial_bounds() -> None:
    spins = 200_000
    seed = bytes.fromhex("77ee" * 16)
    counts = Counter(wheel.spin(take(FairnessInput(seed, "wheel", n), 1)[0]) for n in range(spins))
    for index in range(len(DEFAULT_SEGMENTS)):
        p = float(wheel.probability(index))
        assert abs(counts[index] / spins - p) < 5 * math.sqrt(p * (1 - p) / spins)


@pytest.mark.parametrize(
    "segments",
    [
        (),
        (Segment("bad", PrizeKind.GOLD, 0, gold=10),),
        (Segment("no gold", PrizeKind.GOLD, 1),),
        (Segment("item without id", PrizeKind.ITEM, 1),),
        (Segment("nothing with gold", PrizeKind.NOTHING, 1, gold=5),),
    ],
)
def test_invalid_wheels_are_refused(segments: tuple[Segment, ...]) -> None:
    with pytest.raises(ValueError, match=r"segment|gold|item"):
        wheel.validate(segments)


def test_default_wheel_is_valid() -> None:
    wheel.validate(DEFAULT_SEGMENTS)
