"""Promo codes and their uses (SPEC §7.4).

A use is taken by the conditional UPDATE in `take_use`, in the transaction that opens
the purchase, and given back by `give_back` if that purchase fails or expires — the same
life as a limited package's unit of stock (persistence/packages.py).
"""

from __future__ import annotations

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.domain.promos import PromoCode, PromoKind
from casino_club.domain.shop import Currency
from casino_club.persistence.models import PromoCode as PromoRow
from casino_club.persistence.models import Purchase
from casino_club.persistence.packages import HELD


def _value(row: PromoRow) -> PromoCode:
    return PromoCode(
        code=row.code,
        kind=PromoKind(row.kind),
        amount=row.amount,
        currency=None if row.currency is None else Currency(row.currency),
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        max_uses=row.max_uses,
        per_user_limit=row.per_user_limit,
        applies_to=frozenset(str(sku) for sku in row.applies_to),
        active=row.active,
    )


async def get(session: AsyncSession, code: str) -> PromoCode | None:
    row = await session.get(PromoRow, code, populate_existing=True)
    return None if row is None else _value(row)


async def add(session: AsyncSession, promo: PromoCode) -> None:
    row = PromoRow(code=promo.code, uses=0)
    _fill(row, promo)
    session.add(row)
    await session.flush()


async def every(session: AsyncSession) -> list[tuple[PromoCode, int]]:
    """Every code with its uses taken, newest window first: the operators' view."""
    rows = await session.scalars(
        select(PromoRow).order_by(PromoRow.starts_at.desc(), PromoRow.code)
    )
    return [(_value(row), row.uses) for row in rows]


async def uses_of(session: AsyncSession, code: str) -> int:
    return int(await session.scalar(select(PromoRow.uses).where(PromoRow.code == code)) or 0)


async def replace_code(session: AsyncSession, promo: PromoCode) -> bool:
    """Replace the stored code's fields (its uses stay); False, changing nothing, if the
    new total is below the uses already taken."""
    row = await session.get(PromoRow, promo.code, with_for_update=True)
    assert row is not None, "replace only what exists"
    if promo.max_uses is not None and promo.max_uses < row.uses:
        return False
    _fill(row, promo)
    await session.flush()
    return True


def _fill(row: PromoRow, promo: PromoCode) -> None:
    row.kind = promo.kind.value
    row.amount = promo.amount
    row.currency = None if promo.currency is None else promo.currency.value
    row.starts_at = promo.starts_at
    row.ends_at = promo.ends_at
    row.max_uses = promo.max_uses
    row.per_user_limit = promo.per_user_limit
    row.applies_to = sorted(promo.applies_to)
    row.active = promo.active


async def take_use(session: AsyncSession, code: str) -> bool:
    """Take one of the code's uses for a purchase about to open; False if none is left."""
    result = await session.execute(
        update(PromoRow)
        .where(
            PromoRow.code == code,
            or_(PromoRow.max_uses.is_(None), PromoRow.uses < PromoRow.max_uses),
        )
        .values(uses=PromoRow.uses + 1)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def give_back(session: AsyncSession, code: str) -> None:
    """The purchase holding a use failed or expired: the use is free again."""
    await session.execute(
        update(PromoRow).where(PromoRow.code == code).values(uses=PromoRow.uses - 1)
    )


async def used_by(session: AsyncSession, user_id: int, code: str) -> int:
    """The player's purchases holding or having used the code (a refund keeps its use)."""
    count = await session.scalar(
        select(func.count()).where(
            Purchase.user_id == user_id, Purchase.promo_code == code, Purchase.status.in_(HELD)
        )
    )
    return int(count or 0)
