"""Gacha state: the item catalog, global stock, players' pity and their inventories."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Executable

from casino_club.domain.gacha import Item, Rarity
from casino_club.persistence.driver import Statements
from casino_club.persistence.models import (
    CatalogItem,
    GachaProgress,
    GachaStock,
    InventoryEntry,
    table,
)

COLLECTIBLE = "COLLECTIBLE"
CONSUMABLE = "CONSUMABLE"
GACHA_TICKET = "gacha-ticket"
STREAK_PROTECTION = "streak-protection"


_items = table(CatalogItem)
_stock = table(GachaStock)
_progress = table(GachaProgress)
_inventory = table(InventoryEntry)

# A pull's statements are Core, built once, run through `Statements`: the session on
# any backend, the driver itself on PostgreSQL (persistence/postgres_bets). Each DML
# statement returns a column, so a runner tells what it touched by the rows it answers.
_POOLS = (
    select(_items.c.id, _items.c.name, _items.c.rarity)
    .where(_items.c.kind == COLLECTIBLE, _items.c.active.is_(True))
    .order_by(_items.c.id)
)
_STOCK = select(_stock.c.rarity, _stock.c.remaining).order_by(_stock.c.rarity)
_STOCK_LOCKED = _STOCK.with_for_update()
_TAKE_STOCK = (
    update(_stock)
    .where(_stock.c.rarity == bindparam("of"), _stock.c.remaining >= bindparam("units"))
    .values(remaining=_stock.c.remaining - bindparam("units"))
    .returning(_stock.c.rarity)
)
_GIVE_BACK_STOCK = (
    update(_stock)
    .where(_stock.c.rarity == bindparam("of"))
    .values(remaining=_stock.c.remaining + bindparam("units"))
    .returning(_stock.c.rarity)
)
_PROGRESS_FOR_UPDATE = (
    select(
        _progress.c.pity,
        _progress.c.commons,
        _progress.c.rares,
        _progress.c.epics,
        _progress.c.legendaries,
        _progress.c.pulls_day,
        _progress.c.pulls_today,
    )
    .where(_progress.c.user_id == bindparam("uid"))
    .with_for_update()
)
# Bind names differ from the columns': SQLAlchemy reserves those in an UPDATE's SET.
_SAVE_PROGRESS = (
    update(_progress)
    .where(_progress.c.user_id == bindparam("uid"))
    .values(
        pity=bindparam("to_pity"),
        commons=bindparam("to_commons"),
        rares=bindparam("to_rares"),
        epics=bindparam("to_epics"),
        legendaries=bindparam("to_legendaries"),
        pulls_day=bindparam("to_day"),
        pulls_today=bindparam("to_today"),
    )
    .returning(_progress.c.user_id)
)
_CONSUME = (
    update(_inventory)
    .where(
        _inventory.c.user_id == bindparam("uid"),
        _inventory.c.item_id == bindparam("item"),
        _inventory.c.quantity >= bindparam("units"),
    )
    .values(quantity=_inventory.c.quantity - bindparam("units"), updated_at=bindparam("at"))
    .returning(_inventory.c.id)
)


def _add_statement(insert: Callable[[Table], Any]) -> Executable:
    """ADD in one dialect: a new entry, or `units` more of the one the player has;
    returns the quantity held after it."""
    proposed = insert(_inventory).values(
        user_id=bindparam("uid"),
        item_id=bindparam("item"),
        quantity=bindparam("units"),
        acquired_at=bindparam("at"),
        updated_at=bindparam("at"),
    )
    statement: Executable = proposed.on_conflict_do_update(
        index_elements=[_inventory.c.user_id, _inventory.c.item_id],
        set_={
            "quantity": _inventory.c.quantity + proposed.excluded.quantity,
            "updated_at": proposed.excluded.updated_at,
        },
    ).returning(_inventory.c.quantity)
    return statement


_ADD = {"postgresql": _add_statement(postgresql.insert), "sqlite": _add_statement(sqlite.insert)}


@dataclass(slots=True)
class Progress:
    """A player's gacha row, as a pull reads and writes it."""

    pity: int
    commons: int
    rares: int
    epics: int
    legendaries: int
    pulls_day: date | None
    pulls_today: int


async def pools(db: Statements) -> dict[Rarity, list[Item]]:
    result: dict[Rarity, list[Item]] = {rarity: [] for rarity in Rarity}
    for row in await db.rows(_POOLS, {}):
        if row["rarity"] is not None:
            rarity = Rarity(row["rarity"])
            result[rarity].append(Item(row["id"], row["name"], rarity))
    return result


async def stock(db: Statements, *, lock: bool) -> dict[Rarity, int | None]:
    """Remaining stock per stocked rarity (None = unlimited); `lock` holds every stocked
    row (in a fixed order) for a pull that lost a race for the last units."""
    stock: dict[Rarity, int | None] = {Rarity.EPIC: None, Rarity.LEGENDARY: None}
    for row in await db.rows(_STOCK_LOCKED if lock else _STOCK, {}):
        stock[Rarity(row["rarity"])] = row["remaining"]
    return stock


async def take_stock(db: Statements, taken: Mapping[Rarity, int]) -> bool:
    """Take the units if every rarity still has them, each by a conditional update of
    its own row only; False, with nothing taken, if one ran out meanwhile.

    Rows are updated in a fixed order, so two pulls never wait for each other in a cycle.
    """
    done: list[tuple[Rarity, int]] = []
    for rarity, count in sorted(taken.items()):
        if not await db.rows(_TAKE_STOCK, {"of": rarity.value, "units": count}):
            for given_back, units in done:
                await db.rows(_GIVE_BACK_STOCK, {"of": given_back.value, "units": units})
            return False
        done.append((rarity, count))
    return True


async def open_progress(session: AsyncSession, user_id: int) -> None:
    session.add(GachaProgress(user_id=user_id, pity=0, commons=0, rares=0, epics=0, legendaries=0))
    await session.flush()


async def progress_for_update(db: Statements, user_id: int) -> Progress:
    """The player's row, locked: concurrent pulls of one player take turns on the pity."""
    found = await db.rows(_PROGRESS_FOR_UPDATE, {"uid": user_id})
    if not found:
        raise LookupError(f"user {user_id} has no gacha progress row")
    return Progress(**found[0])


async def save_progress(db: Statements, user_id: int, row: Progress) -> None:
    """Write back the row `progress_for_update` read (and still holds)."""
    await db.rows(
        _SAVE_PROGRESS,
        {
            "uid": user_id,
            "to_pity": row.pity,
            "to_commons": row.commons,
            "to_rares": row.rares,
            "to_epics": row.epics,
            "to_legendaries": row.legendaries,
            "to_day": row.pulls_day,
            "to_today": row.pulls_today,
        },
    )


async def progress(session: AsyncSession, user_id: int) -> GachaProgress | None:
    return await session.scalar(select(GachaProgress).where(GachaProgress.user_id == user_id))


async def add_items(
    db: Statements, user_id: int, item_ids: Sequence[str], now: datetime
) -> set[str]:
    """Give the player the items (one each time an id appears); which of them the player
    already held before (a duplicate pull refunds)."""
    held_before: set[str] = set()
    for item_id, units in Counter(item_ids).items():
        values = {"uid": user_id, "item": item_id, "units": units, "at": now}
        (row,) = await db.rows(_ADD[db.dialect], values)
        if row["quantity"] > units:
            held_before.add(item_id)
    return held_before


async def consume(
    db: Statements, user_id: int, item_id: str, now: datetime, count: int = 1
) -> bool:
    """Use `count` of a consumable; False (changing nothing) when the player has fewer."""
    values = {"uid": user_id, "item": item_id, "units": count, "at": now}
    return bool(await db.rows(_CONSUME, values))


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
