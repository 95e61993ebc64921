"""Catalog rules (SPEC §7.1): the price now and the discount's end."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casino_club.domain.accounts import Rank
from casino_club.domain.shop import (
    MAX_QUANTITY,
    STARTER_CATALOG,
    Currency,
    Product,
    RankThresholds,
    discount_at,
    may_buy,
    price_at,
    quote,
    rank_for_spend,
    usd_cents,
)

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
BASE = Product("p", "P", "", 1_999, Currency.USD, 20_000, 2_000)


def test_the_seeded_products_are_the_specs() -> None:
    """$4.99 → 5,000; $19.99 → 22,000; $49.99 → 60,000; $99.99 → 130,000, VIP only."""
    seen = {(p.sku, p.price_cents, p.gold + p.bonus_gold, p.min_rank) for p in STARTER_CATALOG}
    assert seen == {
        ("starter", 499, 5_000, Rank.STANDARD),
        ("value", 1_999, 22_000, Rank.STANDARD),
        ("premium", 4_999, 60_000, Rank.STANDARD),
        ("whale", 9_999, 130_000, Rank.VIP),
    }
    assert [p.sku for p in sorted(STARTER_CATALOG, key=lambda p: p.sort_order)] == [
        "starter",
        "value",
        "premium",
        "whale",
    ]


def test_no_discount_is_the_list_price() -> None:
    assert price_at(BASE, NOW) == 1_999
    assert discount_at(BASE, NOW) == 0


def test_a_discount_rounds_to_the_nearest_cent_halves_up() -> None:
    # 1,999 × 0.75 = 1,499.25 → 1,499; 1,999 × 0.5 = 999.5 → 1,000; 499 × 0.9 = 449.1 → 449
    assert price_at(replace(BASE, discount_percent=25), NOW) == 1_499
    assert price_at(replace(BASE, discount_percent=50), NOW) == 1_000
    assert price_at(replace(BASE, price_cents=499, discount_percent=10), NOW) == 449
    # 1,997 × 0.5 = 998.5: halves up gives 999 (rounding halves to even would give 998).
    assert price_at(replace(BASE, price_cents=1_997, discount_percent=50), NOW) == 999


def test_a_discount_lasts_until_its_end_exclusive() -> None:
    ends = NOW + timedelta(hours=1)
    sale = replace(BASE, discount_percent=20, discount_ends_at=ends)
    assert price_at(sale, ends - timedelta(microseconds=1)) == 1_599
    assert price_at(sale, ends) == 1_999
    assert discount_at(sale, ends) == 0


def test_a_price_never_falls_below_one_minor_unit() -> None:
    assert price_at(replace(BASE, price_cents=1, discount_percent=99), NOW) == 1


@given(
    price=st.integers(1, 10**9),
    percent=st.integers(0, 99),
)
def test_a_discounted_price_is_within_half_a_cent_of_exact(price: int, percent: int) -> None:
    charged = price_at(replace(BASE, price_cents=price, discount_percent=percent), NOW)
    exact = Fraction(price * (100 - percent), 100)
    assert 1 <= charged <= price
    # The nearest minor unit, halves up (or the floor of one).
    assert charged == max(1, math.floor(exact + Fraction(1, 2)))
    assert abs(charged - exact) <= Fraction(1, 2) or charged == 1


@pytest.mark.parametrize(
    "changes",
    [
        {"price_cents": 0},
        {"discount_percent": 100},
        {"discount_percent": -1},
        {"gold": -1},
        {"bonus_gold": -5},
    ],
)
def test_a_product_refuses_impossible_values(changes: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"^p: "):
        replace(BASE, **changes)


@pytest.mark.parametrize(
    ("rank", "minimum", "allowed"),
    [
        (Rank.STANDARD, Rank.STANDARD, True),
        (Rank.STANDARD, Rank.PREMIUM, False),
        (Rank.PREMIUM, Rank.PREMIUM, True),
        (Rank.PREMIUM, Rank.VIP, False),
        (Rank.VIP, Rank.VIP, True),
        (Rank.VIP, Rank.STANDARD, True),
    ],
)
def test_a_product_needs_its_minimum_rank_or_above(
    rank: Rank, minimum: Rank, allowed: bool
) -> None:
    assert may_buy(rank, replace(BASE, min_rank=minimum)) is allowed


@given(quantity=st.integers(1, MAX_QUANTITY), percent=st.integers(0, 99))
def test_a_quote_is_the_unit_price_now_times_the_quantity(quantity: int, percent: int) -> None:
    product = replace(BASE, discount_percent=percent)
    quoted = quote(product, quantity, NOW)
    assert quoted.unit_price_cents == price_at(product, NOW)
    assert quoted.amount_cents == price_at(product, NOW) * quantity
    assert (quoted.gold, quoted.bonus_gold) == (22_000 * quantity, 2_000 * quantity)
    assert (quoted.sku, quoted.quantity, quoted.currency) == ("p", quantity, Currency.USD)


@pytest.mark.parametrize("quantity", [0, -1, MAX_QUANTITY + 1])
def test_a_quote_refuses_a_quantity_out_of_range(quantity: int) -> None:
    with pytest.raises(ValueError, match="quantity"):
        quote(BASE, quantity, NOW)


THRESHOLDS = RankThresholds(premium_cents=5_000, vip_cents=20_000)


@pytest.mark.parametrize(
    ("current", "spend", "expected"),
    [
        (Rank.STANDARD, 4_999, Rank.STANDARD),
        (Rank.STANDARD, 5_000, Rank.PREMIUM),
        (Rank.STANDARD, 19_999, Rank.PREMIUM),
        (Rank.STANDARD, 20_000, Rank.VIP),
        (Rank.PREMIUM, 0, Rank.PREMIUM),  # never lowered
        (Rank.VIP, 5_000, Rank.VIP),
        (Rank.PREMIUM, 20_000, Rank.VIP),
    ],
)
def test_lifetime_spend_raises_the_rank_and_never_lowers_it(
    current: Rank, spend: int, expected: Rank
) -> None:
    assert rank_for_spend(current, spend, THRESHOLDS) == expected


def test_spend_in_another_currency_counts_in_usd_cents_rounded_down() -> None:
    rates = {
        Currency.USD: Decimal(1),
        Currency.EUR: Decimal("1.08"),
        Currency.KRW: Decimal("0.072"),
    }
    assert usd_cents(4_999, Currency.USD, rates) == 4_999
    assert usd_cents(1_999, Currency.EUR, rates) == 2_158  # 2,158.92
    assert usd_cents(69_000, Currency.KRW, rates) == 4_968
