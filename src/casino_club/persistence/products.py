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


async def add_missing(session: AsyncSession, products: Iterable[ProductValue]) -> int:
    """Insert the products whose sku is not stored yet (never overwrites an operator's
    edits); how many were added."""
    existing = set((await session.scalars(select(Product.sku))).all())
    added = 0
    for product in products:
        if product.sku in existing:
            continue
        session.add(
            Product(
                sku=product.sku,
                name=product.name,
                description=product.description,
                price_cents=product.price_cents,
                currency=product.currency.value,
                gold=product.gold,
                bonus_gold=product.bonus_gold,
                discount_percent=product.discount_percent,
                discount_ends_at=product.discount_ends_at,
                min_rank=product.min_rank.value,
                active=product.active,
                sort_order=product.sort_order,
            )
        )
        added += 1
    return added
