"""Gacha state: the item catalog, global stock, players' pity and their inventories."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.domain.gacha import Item, Rarity
from casino_club.persistence.models import CatalogItem, GachaProgress, GachaStock, InventoryEntry

COLLECTIBLE = "COLLECTIBLE"
CONSUMABLE = "CONSUMABLE"
GACHA_TICKET = "gacha-ticket"
STREAK_PROTECTION = "streak-protection"


async def pools(session: AsyncSession) -> dict[Rarity, list[Item]]:
    rows = await session.scalars(
        select(CatalogItem)
        .where(CatalogItem.kind == COLLECTIBLE, CatalogItem.active.is_(True))
        .order_by(CatalogItem.id)
    )
    result: dict[Rarity, list[Item]] = {rarity: [] for rarity in Rarity}
    for row in rows:
        if row.rarity is not None:
            result[Rarity(row.rarity)].append(Item(row.id, row.name, Rarity(row.rarity)))
    return result


async def stock(session: AsyncSession, *, lock: bool) -> dict[Rarity, int | None]:
    """Remaining stock per stocked rarity (None = unlimited); `lock` holds every stocked
    row (in a fixed order) for a pull that lost a race for the last units."""
    query = select(GachaStock).order_by(GachaStock.rarity)
    rows = await session.scalars(query.with_for_update() if lock else query)
    stock: dict[Rarity, int | None] = {Rarity.EPIC: None, Rarity.LEGENDARY: None}
    for row in rows:
        stock[Rarity(row.rarity)] = row.remaining
    return stock


async def take_stock(session: AsyncSession, taken: Mapping[Rarity, int]) -> bool:
    """Take the units if every rarity still has them, each by a conditional update of
    its own row only; False, with nothing taken, if one ran out meanwhile.

    Rows are updated in a fixed order, so two pulls never wait for each other in a cycle.
    """
    done: list[tuple[Rarity, int]] = []
    for rarity, count in sorted(taken.items()):
        result = await session.execute(
            update(GachaStock)
            .where(GachaStock.rarity == rarity.value, GachaStock.remaining >= count)
            .values(remaining=GachaStock.remaining - count)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            for given_back, units in done:
                await session.execute(
                    update(GachaStock)
                    .where(GachaStock.rarity == given_back.value)
                    .values(remaining=GachaStock.remaining + units)
                )
            return False
        done.append((rarity, count))
    return True


async def open_progress(session: AsyncSession, user_id: int) -> None:
    session.add(GachaProgress(user_id=user_id, pity=0, commons=0, rares=0, epics=0, legendaries=0))
    await session.flush()


async def progress_for_update(session: AsyncSession, user_id: int) -> GachaProgress:
    """The player's row, locked: concurrent pulls of one player take turns on the pity."""
    row = await session.scalar(
        select(GachaProgress).where(GachaProgress.user_id == user_id).with_for_update()
    )
    if row is None:
        raise LookupError(f"user {user_id} has no gacha progress row")
    return row


async def progress(session: AsyncSession, user_id: int) -> GachaProgress | None:
    return await session.scalar(select(GachaProgress).where(GachaProgress.user_id == user_id))


async def owned(session: AsyncSession, user_id: int, item_ids: Iterable[str]) -> set[str]:
    rows = await session.scalars(
        select(InventoryEntry.item_id).where(
            InventoryEntry.user_id == user_id,
            InventoryEntry.item_id.in_(set(item_ids)),
            InventoryEntry.quantity > 0,
        )
    )
    return set(rows.all())


async def add_items(
    session: AsyncSession, user_id: int, item_ids: Sequence[str], now: datetime
) -> None:
    for item_id in item_ids:
        result = await session.execute(
            update(InventoryEntry)
            .where(InventoryEntry.user_id == user_id, InventoryEntry.item_id == item_id)
            .values(quantity=InventoryEntry.quantity + 1, updated_at=now)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            session.add(
                InventoryEntry(
                    user_id=user_id, item_id=item_id, quantity=1, acquired_at=now, updated_at=now
                )
            )
            await session.flush()


async def consume(
    session: AsyncSession, user_id: int, item_id: str, now: datetime, count: int = 1
) -> bool:
    """Use `count` of a consumable; False (changing nothing) when the player has fewer."""
    result = await session.execute(
        update(InventoryEntry)
        .where(
            InventoryEntry.user_id == user_id,
            InventoryEntry.item_id == item_id,
            InventoryEntry.quantity >= count,
        )
        .values(quantity=InventoryEntry.quantity - count, updated_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def held(session: AsyncSession, user_id: int, item_id: str) -> int:
    """How many of an item the player holds."""
    quantity = await session.scalar(
        select(InventoryEntry.quantity).where(
            InventoryEntry.user_id == user_id, InventoryEntry.item_id == item_id
        )
    )
    return int(quantity or 0)


async def inventory_page(
    session: AsyncSession, user_id: int, *, after_id: int | None, limit: int
) -> list[tuple[InventoryEntry, CatalogItem]]:
    query = (
        select(InventoryEntry, CatalogItem)
        .join(CatalogItem, CatalogItem.id == InventoryEntry.item_id)
        .where(InventoryEntry.user_id == user_id, InventoryEntry.quantity > 0)
    )
    if after_id is not None:
        query = query.where(InventoryEntry.id < after_id)
    rows = await session.execute(query.order_by(InventoryEntry.id.desc()).limit(limit))
    return [(entry, item) for entry, item in rows.all()]


async def known_items(session: AsyncSession, item_ids: Iterable[str]) -> set[str]:
    """Which of the ids name an item of the catalog."""
    wanted = list(item_ids)
    if not wanted:
        return set()
    rows = await session.scalars(select(CatalogItem.id).where(CatalogItem.id.in_(wanted)))
    return set(rows)


async def inventory_entries(
    session: AsyncSession, user_id: int, ids: Sequence[int]
) -> list[tuple[InventoryEntry, CatalogItem]]:
    """The player's held items among `ids` (another player's, or used up, are not found)."""
    query = (
        select(InventoryEntry, CatalogItem)
        .join(CatalogItem, CatalogItem.id == InventoryEntry.item_id)
        .where(
            InventoryEntry.user_id == user_id,
            InventoryEntry.id.in_(ids),
            InventoryEntry.quantity > 0,
        )
    )
    return [(entry, item) for entry, item in (await session.execute(query)).all()]
