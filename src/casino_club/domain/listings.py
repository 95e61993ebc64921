"""The shop as players see it (SPEC §7.1, §7.3): products priced at the moment of asking,
limited packages with the stock left and the caller's own allowance."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from casino_club.domain.accounts import Rank
from casino_club.domain.shop import (
    Currency,
    LimitedPackage,
    Product,
    allowance_left,
    discount_at,
    price_at,
)


@dataclass(frozen=True, slots=True)
class PackageItem:
    """An item a package contains, and how many."""

    item_id: str
    quantity: int


def package_items(package: LimitedPackage) -> tuple[PackageItem, ...]:
    return tuple(PackageItem(item, quantity) for item, quantity in package.items)


@dataclass(frozen=True, slots=True)
class ProductListing:
    """A product on sale as the catalog shows it (the GraphQL `Product`): its list
    price, and what one unit costs now."""

    sku: str
    name: str
    description: str
    currency: Currency
    list_price_cents: int
    price_cents: int
    discount_percent: int  # in force now; 0 when none
    discount_ends_at: datetime | None  # when the discount in force ends
    gold: int
    bonus_gold: int
    min_rank: Rank

    @classmethod
    def of(cls, product: Product, now: datetime) -> ProductListing:
        discount = discount_at(product, now)
        return cls(
            sku=product.sku,
            name=product.name,
            description=product.description,
            currency=product.currency,
            list_price_cents=product.price_cents,
            price_cents=price_at(product, now),
            discount_percent=discount,
            discount_ends_at=product.discount_ends_at if discount else None,
            gold=product.gold,
            bonus_gold=product.bonus_gold,
            min_rank=product.min_rank,
        )


@dataclass(frozen=True, slots=True)
class PackageTerms:
    """What players and operators alike are shown of a limited package: its stored terms."""

    sku: str
    name: str
    description: str
    price_cents: int
    currency: Currency
    gold: int
    items: tuple[PackageItem, ...]
    starts_at: datetime
    ends_at: datetime
    total_stock: int
    per_user_limit: int


def package_terms(package: LimitedPackage) -> dict[str, Any]:
    """`package`'s fields that `PackageTerms` shows (they share their names), for building
    one of its kinds."""
    terms = {f.name: getattr(package, f.name) for f in fields(PackageTerms)}
    return terms | {"items": package_items(package)}


@dataclass(frozen=True, slots=True)
class PackageListing(PackageTerms):
    """A limited package as players see it (the GraphQL `LimitedPackage`)."""

    remaining_stock: int  # neither sold nor held by a purchase in progress
    remaining_for_me: int | None  # None: not logged in

    @classmethod
    def of(cls, package: LimitedPackage, remaining: int, mine: int | None) -> PackageListing:
        """`mine`: how many of it the caller holds (None: no caller)."""
        return cls(
            **package_terms(package),
            remaining_stock=max(remaining, 0),
            remaining_for_me=None if mine is None else allowance_left(package, mine),
        )
