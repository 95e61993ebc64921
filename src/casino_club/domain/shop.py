"""The shop's catalog rules (SPEC §7.1): what a product is and what it costs now.

Prices are integers in the currency's minor unit (cents; KRW has none, so a KRW price
is in won). A discount takes a whole percentage off the list price, rounded to the
nearest minor unit (halves up), and lasts until `discount_ends_at` (exclusive) or, with
no end, until an operator removes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_FLOOR, Decimal
from enum import StrEnum

from casino_club.domain.accounts import Rank

MAX_NAME = 120
MAX_GOLD = 10**12  # per unit: far past any real pack, far below a BIGINT when multiplied
MAX_ITEMS = 20
MAX_ITEM_QUANTITY = 1_000
MAX_DESCRIPTION = 500
# Money is cents in a GraphQL Int (32-bit signed, SPEC §12): every price and every
# purchase's total is bounded by it, so no amount we charge is one we cannot show.
MAX_AMOUNT_CENTS = 2**31 - 1
# Skus are plain tokens: they name products in URLs, logs and signed receipts.
SKU_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _check_listing(sku: str, name: str, description: str, price_cents: int) -> None:
    """What everything on sale needs: a plain sku, a name, a price."""
    if not SKU_PATTERN.fullmatch(sku):
        raise ValueError("a sku is 1-64 letters, digits, '_' or '-'")
    if not name or len(name) > MAX_NAME or len(description) > MAX_DESCRIPTION:
        raise ValueError(
            f"{sku}: a name is 1-{MAX_NAME} characters, a description at most {MAX_DESCRIPTION}"
        )
    if not 0 < price_cents <= MAX_AMOUNT_CENTS:
        raise ValueError(f"{sku}: a price is 1-{MAX_AMOUNT_CENTS} cents")


class Currency(StrEnum):
    USD = "USD"
    KRW = "KRW"
    EUR = "EUR"


@dataclass(frozen=True, slots=True)
class Product:
    sku: str
    name: str
    description: str
    price_cents: int
    currency: Currency
    gold: int
    bonus_gold: int
    discount_percent: int = 0
    discount_ends_at: datetime | None = None
    min_rank: Rank = Rank.STANDARD
    active: bool = True
    sort_order: int = 0

    def __post_init__(self) -> None:
        _check_listing(self.sku, self.name, self.description, self.price_cents)
        if not 0 <= self.discount_percent < 100:
            raise ValueError(f"{self.sku}: a discount is 0-99 percent")
        if self.gold < 0 or self.bonus_gold < 0 or self.gold + self.bonus_gold > MAX_GOLD:
            raise ValueError(f"{self.sku}: gold is 0-{MAX_GOLD} a unit")


def discount_at(product: Product, now: datetime) -> int:
    """The discount (percent) in force at `now`: 0 once it has ended."""
    ends = product.discount_ends_at
    if ends is not None and now >= ends:
        return 0
    return product.discount_percent


def price_at(product: Product, now: datetime) -> int:
    """What one unit costs at `now`, in minor units: never below one."""
    percent = discount_at(product, now)
    discounted = (product.price_cents * (100 - percent) + 50) // 100
    return max(1, discounted)


# SPEC §7.1's seeded products.
STARTER_CATALOG = (
    Product(
        "starter",
        "Starter pack",
        "5,000 gold to begin with",
        499,
        Currency.USD,
        5_000,
        0,
        sort_order=1,
    ),
    Product(
        "value",
        "Value pack",
        "20,000 gold and 2,000 bonus",
        1_999,
        Currency.USD,
        20_000,
        2_000,
        sort_order=2,
    ),
    Product(
        "premium",
        "Premium pack",
        "50,000 gold and 10,000 bonus",
        4_999,
        Currency.USD,
        50_000,
        10_000,
        sort_order=3,
    ),
    Product(
        "whale",
        "Whale pack",
        "100,000 gold and 30,000 bonus, for VIPs",
        9_999,
        Currency.USD,
        100_000,
        30_000,
        min_rank=Rank.VIP,
        sort_order=4,
    ),
)


@dataclass(frozen=True, slots=True)
class RankThresholds:
    """Lifetime spend (USD cents) that upgrades a rank (SPEC §5.2)."""

    premium_cents: int = 5_000
    vip_cents: int = 20_000


def rank_for_spend(current: Rank, lifetime_usd_cents: int, thresholds: RankThresholds) -> Rank:
    """The rank after a purchase: raised by lifetime spend, never lowered (an operator
    may have set it higher)."""
    earned = Rank.STANDARD
    if lifetime_usd_cents >= thresholds.vip_cents:
        earned = Rank.VIP
    elif lifetime_usd_cents >= thresholds.premium_cents:
        earned = Rank.PREMIUM
    return earned if earned.order > current.order else current


def usd_cents(amount: int, currency: Currency, rates: dict[Currency, Decimal]) -> int:
    """A price in USD cents for counting spend (rounded down: a rank is never earned by
    rounding)."""
    return int((amount * rates[currency]).to_integral_value(rounding=ROUND_FLOOR))


class PackageProblem(StrEnum):
    """Why a limited package cannot be bought now."""

    NOT_STARTED = "NOT_STARTED"
    ENDED = "ENDED"
    DISABLED = "DISABLED"  # the operator's kill switch


@dataclass(frozen=True, slots=True)
class LimitedPackage:
    """A package on sale for a window, from a fixed stock, a few per player (SPEC §7.3).
    Its contents are gold and items (item id → quantity)."""

    sku: str
    name: str
    description: str
    price_cents: int
    currency: Currency
    gold: int
    items: tuple[tuple[str, int], ...]
    starts_at: datetime
    ends_at: datetime
    total_stock: int
    per_user_limit: int
    active: bool = True

    def __post_init__(self) -> None:
        _check_listing(self.sku, self.name, self.description, self.price_cents)
        if not 0 <= self.gold <= MAX_GOLD or len(self.items) > MAX_ITEMS:
            raise ValueError(f"{self.sku}: gold is 0-{MAX_GOLD}, at most {MAX_ITEMS} items")
        if any(not 0 < quantity <= MAX_ITEM_QUANTITY for _, quantity in self.items):
            raise ValueError(f"{self.sku}: an item's quantity is 1-{MAX_ITEM_QUANTITY}")
        if self.gold == 0 and not self.items:
            raise ValueError(f"{self.sku}: a package holds something")
        if len({item for item, _ in self.items}) != len(self.items):
            raise ValueError(f"{self.sku}: each item once, with its quantity")
        if self.ends_at <= self.starts_at:
            raise ValueError(f"{self.sku}: the window ends after it starts")
        if self.total_stock < 0 or self.per_user_limit < 1:
            raise ValueError(f"{self.sku}: stock is never negative; a player may buy one")


def package_problem(package: LimitedPackage, now: datetime) -> PackageProblem | None:
    """Why the package is not on sale at `now` (its window is [starts_at, ends_at))."""
    if not package.active:
        return PackageProblem.DISABLED
    if now < package.starts_at:
        return PackageProblem.NOT_STARTED
    if now >= package.ends_at:
        return PackageProblem.ENDED
    return None


def allowance_left(package: LimitedPackage, held: int) -> int:
    """How many more of the package a player who has `held` of them may buy."""
    return max(package.per_user_limit - held, 0)


def package_quote(package: LimitedPackage) -> Quote:
    """One package: its price, its gold (items are granted beside)."""
    return Quote(
        sku=package.sku,
        quantity=1,
        currency=package.currency,
        unit_price_cents=package.price_cents,
        amount_cents=package.price_cents,
        gold=package.gold,
        bonus_gold=0,
    )


class PromoProblem(StrEnum):
    """Why a promo code does not apply."""

    UNKNOWN_CODE = "UNKNOWN_CODE"
    DISABLED = "DISABLED"
    NOT_STARTED = "NOT_STARTED"
    EXPIRED = "EXPIRED"
    NOT_APPLICABLE = "NOT_APPLICABLE"  # another product, or a fixed amount in another currency
    EXHAUSTED = "EXHAUSTED"  # every use taken
    ALREADY_USED = "ALREADY_USED"  # the player's own uses taken


MAX_QUANTITY = 10  # units of one product per purchase


def may_buy(rank: Rank, product: Product) -> bool:
    """Whether a player of `rank` may buy `product` (its `min_rank` or above)."""
    return rank.order >= product.min_rank.order


@dataclass(frozen=True, slots=True)
class Quote:
    """What a purchase costs and grants, fixed when it is opened: a later price or
    content change never alters a purchase already under way."""

    sku: str
    quantity: int
    currency: Currency
    unit_price_cents: int
    amount_cents: int
    gold: int  # everything granted, bonus included
    bonus_gold: int  # the part of `gold` that is bonus


def total_fits(unit_price_cents: int, quantity: int) -> bool:
    """Whether `quantity` units at this price make a total an `Int` carries."""
    return unit_price_cents * quantity <= MAX_AMOUNT_CENTS


def quote(product: Product, quantity: int, now: datetime) -> Quote:
    """The price at `now` times the quantity; the gold and bonus times the quantity."""
    if not 1 <= quantity <= MAX_QUANTITY:
        raise ValueError(f"quantity must be 1-{MAX_QUANTITY}")
    unit = price_at(product, now)
    if not total_fits(unit, quantity):
        raise ValueError(f"a total is at most {MAX_AMOUNT_CENTS} cents")
    return Quote(
        sku=product.sku,
        quantity=quantity,
        currency=product.currency,
        unit_price_cents=unit,
        amount_cents=unit * quantity,
        gold=(product.gold + product.bonus_gold) * quantity,
        bonus_gold=product.bonus_gold * quantity,
    )
