"""Promo code rules (SPEC §7.4): when a code applies and what it takes off."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casino_club.domain.promos import PromoCode, PromoKind, apply, normalize, promo_problem
from casino_club.domain.shop import Currency, PromoProblem, Quote

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
QUOTE = Quote("value", 2, Currency.USD, 1_999, 3_998, 44_000, 4_000)
PERCENT = PromoCode(
    code="SAVE20",
    kind=PromoKind.PERCENT,
    amount=20,
    currency=None,
    starts_at=NOW - timedelta(days=1),
    ends_at=NOW + timedelta(days=1),
    max_uses=None,
    per_user_limit=1,
    applies_to=frozenset(),
)
FIXED = replace(PERCENT, code="FIVE", kind=PromoKind.FIXED, amount=500, currency=Currency.USD)


def test_a_percentage_comes_off_each_unit_rounded_half_up_then_times_the_quantity() -> None:
    # 20% of 1,999 is 399.8 → 400 off → 1,599 a unit, 3,198 for two
    assert (apply(PERCENT, QUOTE).unit_price_cents, apply(PERCENT, QUOTE).amount_cents) == (
        1_599,
        3_198,
    )
    half = replace(PERCENT, amount=50)
    assert apply(half, replace(QUOTE, unit_price_cents=3, quantity=1)).unit_price_cents == 1
    # 50% of 3 is 1.5 → 2 off (half up), 1 paid


def test_a_fixed_amount_comes_off_each_unit_and_at_least_a_cent_is_paid() -> None:
    assert apply(FIXED, QUOTE).amount_cents == (1_999 - 500) * 2
    assert apply(FIXED, replace(QUOTE, unit_price_cents=499, quantity=1)).amount_cents == 1
    assert apply(replace(PERCENT, amount=100), QUOTE).amount_cents == 2


def test_gold_and_everything_else_in_the_quote_is_unchanged() -> None:
    applied = apply(PERCENT, QUOTE)
    assert (applied.gold, applied.bonus_gold, applied.sku, applied.quantity) == (
        44_000,
        4_000,
        "value",
        2,
    )


@pytest.mark.parametrize(
    ("promo", "at", "problem"),
    [
        (PERCENT, NOW, None),
        (replace(PERCENT, active=False), NOW, PromoProblem.DISABLED),
        (PERCENT, NOW - timedelta(days=1, seconds=1), PromoProblem.NOT_STARTED),
        (PERCENT, NOW - timedelta(days=1), None),  # the start is inclusive
        (PERCENT, NOW + timedelta(days=1), PromoProblem.EXPIRED),  # the end is not
        (replace(PERCENT, applies_to=frozenset({"value"})), NOW, None),
        (replace(PERCENT, applies_to=frozenset({"starter"})), NOW, PromoProblem.NOT_APPLICABLE),
        (FIXED, NOW, None),
        (replace(FIXED, currency=Currency.EUR), NOW, PromoProblem.NOT_APPLICABLE),
    ],
)
def test_when_a_code_applies(promo: PromoCode, at: datetime, problem: PromoProblem | None) -> None:
    assert promo_problem(promo, QUOTE, at) == problem


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount": 0}, "percent code"),
        ({"amount": 101}, "percent code"),
        ({"currency": Currency.USD}, "percent code"),
        ({"code": "lower"}, "normalized"),
        ({"code": ""}, "normalized"),
        ({"ends_at": NOW - timedelta(days=1)}, "window"),
        ({"max_uses": 0}, "at least one use"),
        ({"per_user_limit": 0}, "at least one use"),
    ],
)
def test_an_invalid_code_cannot_be_made(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        replace(PERCENT, **changes)  # type: ignore[arg-type]


def test_a_fixed_code_needs_its_currency() -> None:
    with pytest.raises(ValueError, match="fixed code"):
        replace(FIXED, currency=None)


def test_codes_compare_trimmed_and_case_folded() -> None:
    assert normalize("  save20\t") == "SAVE20"


@given(unit=st.integers(1, 10**9), percent=st.integers(1, 100), quantity=st.integers(1, 10))
def test_a_promo_never_raises_the_price_or_makes_it_free(
    unit: int, percent: int, quantity: int
) -> None:
    quote = replace(QUOTE, unit_price_cents=unit, quantity=quantity, amount_cents=unit * quantity)
    applied = apply(replace(PERCENT, amount=percent), quote)
    assert 1 <= applied.unit_price_cents <= unit
    assert applied.amount_cents == applied.unit_price_cents * quantity
