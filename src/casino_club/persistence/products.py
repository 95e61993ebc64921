"""Shop products: the catalog as stored, as domain values."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.domain.accounts import Rank
from casino_club.domain.shop import Currency
from casino_club.domain.shop import Product as ProductValue
from casino_club.persistence.models import Product


def _value(row: Product) -> ProductValue:
    return ProductValue(
        sku=row.sku,
        name=row.name,
        description=row.description,
        price_cents=row.price_cents,
        currency=Currency(row.currency),
        gold=row.gold,
        bonus_gold=row.bonus_gold,
        discount_percent=row.discount_percent,
        discount_ends_at=row.discount_ends_at,
        min_rank=Rank(row.min_rank),
        active=row.active,
        sort_order=row.sort_order,
    )


async def active(session: AsyncSession) -> list[ProductValue]:
    """The products on sale, in the shop's order."""
    rows = await session.scalars(
        select(Product).where(Product.active.is_(True)).order_by(Product.sort_order, Product.sku)
    )
    return [_value(row) for row in rows]


async def on_sale(session: AsyncSession, sku: str) -> ProductValue | None:
    """The product, if it exists and is active."""
    row = await session.get(Product, sku)
    return None if row is None or not row.active else _value(row)


async def get_any(session: AsyncSession, sku: str) -> ProductValue | None:
    """The product, active or not (operators see them all)."""
    row = await session.get(Product, sku, populate_existing=True)
    return None if row is None else _value(row)


async def every(session: AsyncSession) -> list[ProductValue]:
    rows = await session.scalars(select(Product).order_by(Product.sort_order, Product.sku))
    return [_value(row) for row in rows]


async def save(session: AsyncSession, product: ProductValue, *, new: bool) -> None:
    """Create the product (an insert: a concurrent create of the same sku fails on the
    key rather than becoming a second "create"), or replace every field of the stored one."""
    row = Product(sku=product.sku) if new else await session.get(Product, product.sku)
    assert row is not None, "an edit replaces what exists"
    if new:
        session.add(row)
    _fill(row, product)
    await session.flush()


def _fill(row: Product, product: ProductValue) -> None:
    row.name = product.name
    row.description = product.description
    row.price_cents = product.price_cents
    row.currency = product.currency.value
    row.gold = product.gold
    row.bonus_gold = product.bonus_gold
    row.discount_percent = product.discount_percent
    row.discount_ends_at = product.discount_ends_at
    row.min_rank = product.min_rank.value
    row.active = product.active
    row.sort_order = product.sort_order


async def add_missing(session: AsyncSession, products: Iterable[ProductValue]) -> int:
    """Insert the products whose sku is not stored yet (never overwrites an operator's
    edits); how many were added."""
    existing = set((await session.scalars(select(Product.sku))).all())
    added = 0
    for product in products:
        if product.sku in existing:
            continue
        row = Product(sku=product.sku)
        _fill(row, product)
        session.add(row)
        added += 1
    return added
