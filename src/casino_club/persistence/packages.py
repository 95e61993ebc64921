"""Limited packages and their stock (SPEC §7.3).

A unit of stock is reserved by the conditional UPDATE in `reserve`, in the transaction
that opens the purchase, and leaves the reservation exactly once, when the purchase
settles: sold (`sell`) or released (`release`). So `sold + reserved` never exceeds the
stock, and `reserved` is the number of the package's PENDING purchases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.domain.payments import PurchaseStatus
from casino_club.domain.shop import Currency, LimitedPackage
from casino_club.persistence.models import LimitedPackage as PackageRow
from casino_club.persistence.models import Purchase

HELD = [
    PurchaseStatus.PENDING.value,
    PurchaseStatus.SUCCEEDED.value,
    PurchaseStatus.REFUND_PENDING.value,
    PurchaseStatus.REFUNDED.value,
]


@dataclass(frozen=True, slots=True)
class Stocked:
    package: LimitedPackage
    remaining: int  # units neither sold nor held by a pending purchase


def _value(row: PackageRow) -> Stocked:
    package = LimitedPackage(
        sku=row.sku,
        name=row.name,
        description=row.description,
        price_cents=row.price_cents,
        currency=Currency(row.currency),
        gold=row.gold,
        items=tuple((str(item), int(str(quantity))) for item, quantity in row.items),
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        total_stock=row.total_stock,
        per_user_limit=row.per_user_limit,
        active=row.active,
    )
    return Stocked(package, row.total_stock - row.sold - row.reserved)


async def listed(session: AsyncSession, now: datetime) -> list[Stocked]:
    """Enabled packages whose window has not ended (upcoming ones too), soonest ending
    first."""
    rows = await session.scalars(
        select(PackageRow)
        .where(PackageRow.active.is_(True), PackageRow.ends_at > now)
        .order_by(PackageRow.ends_at, PackageRow.sku)
    )
    return [_value(row) for row in rows]


async def get(session: AsyncSession, sku: str) -> Stocked | None:
    row = await session.get(PackageRow, sku, populate_existing=True)
    return None if row is None else _value(row)


async def add(session: AsyncSession, package: LimitedPackage) -> None:
    row = PackageRow(sku=package.sku, reserved=0, sold=0)
    _fill(row, package)
    session.add(row)
    await session.flush()


@dataclass(frozen=True, slots=True)
class Counted:
    """A package with its stock counts: the operators' view."""

    package: LimitedPackage
    sold: int
    reserved: int


async def every(session: AsyncSession) -> list[Counted]:
    """Every package, newest window first."""
    rows = await session.scalars(
        select(PackageRow).order_by(PackageRow.starts_at.desc(), PackageRow.sku)
    )
    return [Counted(_value(row).package, row.sold, row.reserved) for row in rows]


async def counted(session: AsyncSession, sku: str) -> Counted | None:
    row = await session.get(PackageRow, sku, populate_existing=True)
    return None if row is None else Counted(_value(row).package, row.sold, row.reserved)


async def replace_package(session: AsyncSession, package: LimitedPackage) -> bool:
    """Replace the stored package's fields (its sold and reserved counts stay); False,
    changing nothing, if the new stock is below the units sold or held."""
    row = await session.get(PackageRow, package.sku, with_for_update=True)
    assert row is not None, "replace only what exists"
    if package.total_stock < row.sold + row.reserved:
        return False
    _fill(row, package)
    await session.flush()
    return True


def _fill(row: PackageRow, package: LimitedPackage) -> None:
    row.name = package.name
    row.description = package.description
    row.price_cents = package.price_cents
    row.currency = package.currency.value
    row.gold = package.gold
    row.items = [[item, quantity] for item, quantity in package.items]
    row.starts_at = package.starts_at
    row.ends_at = package.ends_at
    row.total_stock = package.total_stock
    row.per_user_limit = package.per_user_limit
    row.active = package.active


async def reserve(session: AsyncSession, sku: str, now: datetime) -> bool:
    """Hold one unit for a purchase about to open: False (nothing held) when the package
    is disabled, outside its window or has no unit left."""
    result = await session.execute(
        update(PackageRow)
        .where(
            PackageRow.sku == sku,
            PackageRow.active.is_(True),
            PackageRow.starts_at <= now,
            PackageRow.ends_at > now,
            PackageRow.sold + PackageRow.reserved < PackageRow.total_stock,
        )
        .values(reserved=PackageRow.reserved + 1)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def sell(session: AsyncSession, sku: str) -> None:
    """A held unit's purchase succeeded."""
    await session.execute(
        update(PackageRow)
        .where(PackageRow.sku == sku)
        .values(reserved=PackageRow.reserved - 1, sold=PackageRow.sold + 1)
    )


async def release(session: AsyncSession, sku: str) -> None:
    """A held unit's purchase failed or expired: the unit is for sale again."""
    await session.execute(
        update(PackageRow).where(PackageRow.sku == sku).values(reserved=PackageRow.reserved - 1)
    )


async def bought_by(session: AsyncSession, user_id: int, skus: list[str]) -> dict[str, int]:
    """Units of each package the player has: bought (refunded too: a refund does not
    reopen the limit), or pending (a held unit counts until it settles)."""
    if not skus:
        return {}
    rows = await session.execute(
        select(Purchase.package_sku, func.count())
        .where(
            Purchase.user_id == user_id,
            Purchase.package_sku.in_(skus),
            Purchase.status.in_(HELD),
        )
        .group_by(Purchase.package_sku)
    )
    return {str(sku): int(count) for sku, count in rows.all()}
