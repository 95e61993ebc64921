"""How gold moves (the PostgreSQL instant-bet statement in `postgres_bets` writes the
same rows in one statement, and a test holds the two together).

Each change is one conditional atomic UPDATE of the wallet (it only matches while the
balance covers every debit in it, so concurrent requests can never spend the same coins
twice or drive it negative) plus one ledger row per movement, in the caller's
transaction: the balance and its history commit together or not at all, and
`wallet.gold == sum(ledger.amount)` holds at every commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.domain import ledger
from casino_club.domain.ledger import LedgerReason, Movement, Posted, posted_rows, required_balance
from casino_club.persistence.driver import Statements, statements
from casino_club.persistence.models import LedgerEntry, Wallet, table


class InsufficientGold(Exception):
    def __init__(self, required: int) -> None:
        super().__init__(f"insufficient gold: {required} required")
        self.required = required


@dataclass(frozen=True, slots=True)
class ShortOfGold:
    """Refused, nothing written: the balance does not cover the movements."""

    required: int
    balance: int


_wallets = table(Wallet)
# Hot path: table-level statements, built once (no ORM bulk machinery per spin).
# `gold >= required` with required = 0 for pure credits keeps one statement for both.
_MOVE_GOLD = (
    update(_wallets)
    .where(_wallets.c.user_id == bindparam("uid"), _wallets.c.gold >= bindparam("required"))
    .values(gold=_wallets.c.gold + bindparam("net"), updated_at=bindparam("now"))
    .returning(_wallets.c.gold)
)
_ledger = table(LedgerEntry)
# Bind names differ from the columns': SQLAlchemy reserves those in an INSERT.
_INSERT_LEDGER = insert(_ledger).values(
    user_id=bindparam("uid"),
    amount=bindparam("moved"),
    balance_after=bindparam("after"),
    reason=bindparam("why"),
    reference=bindparam("ref"),
    created_at=bindparam("at"),
)
_BALANCE = select(_wallets.c.gold).where(_wallets.c.user_id == bindparam("uid"))


async def open_wallet(session: AsyncSession, user_id: int, now: datetime) -> None:
    await session.execute(insert(Wallet).values(user_id=user_id, gold=0, updated_at=now))


async def move_gold(
    on: AsyncSession | Statements, *, user_id: int, movements: Sequence[Movement], now: datetime
) -> list[Posted]:
    """Apply the movements in order, in one wallet UPDATE; returns the ledger rows written.

    Raises InsufficientGold, changing nothing, when the balance does not cover them.
    """
    if not movements or any(m.amount == 0 for m in movements):
        raise ValueError("every ledger movement must move gold")
    net = sum(m.amount for m in movements)
    required = required_balance(movements)
    db = statements(on)
    final = await db.value(
        _MOVE_GOLD, {"uid": user_id, "net": net, "now": now, "required": required}
    )
    if final is None:
        raise InsufficientGold(required)
    posted = posted_rows(movements, int(final))
    await db.execute(
        _INSERT_LEDGER,
        [
            {
                "uid": user_id,
                "moved": row.amount,
                "after": row.balance_after,
                "why": row.reason.value,
                "ref": movement.reference,
                "at": now,
            }
            for row, movement in zip(posted, movements, strict=True)
        ],
    )
    return posted


async def move_gold_if_covered(
    on: AsyncSession | Statements, *, user_id: int, movements: Sequence[Movement], now: datetime
) -> list[Posted] | ShortOfGold:
    """`move_gold`, answering ShortOfGold (with the balance) instead of raising."""
    try:
        return await move_gold(on, user_id=user_id, movements=movements, now=now)
    except InsufficientGold as short:
        return ShortOfGold(short.required, await balance_of(on, user_id))


async def balance_of(on: AsyncSession | Statements, user_id: int) -> int:
    gold = await statements(on).value(_BALANCE, {"uid": user_id})
    return int(gold or 0)


async def ledger_page(
    session: AsyncSession, user_id: int, *, after_id: int | None, limit: int
) -> list[ledger.LedgerEntry]:
    """Newest first, keyset-paginated by id."""
    query = select(LedgerEntry).where(LedgerEntry.user_id == user_id)
    if after_id is not None:
        query = query.where(LedgerEntry.id < after_id)
    rows = await session.scalars(query.order_by(LedgerEntry.id.desc()).limit(limit))
    return [_entry(row) for row in rows]


def _entry(row: LedgerEntry) -> ledger.LedgerEntry:
    return ledger.LedgerEntry(
        id=row.id,
        amount=row.amount,
        balance_after=row.balance_after,
        reason=LedgerReason(row.reason),
        reference=row.reference,
        at=row.created_at,
    )


async def ledger_mismatches(session: AsyncSession) -> list[tuple[int, int, int]]:
    """(user_id, wallet gold, ledger sum) for every wallet that disagrees with its ledger."""
    sums = (
        select(LedgerEntry.user_id, func.coalesce(func.sum(LedgerEntry.amount), 0).label("total"))
        .group_by(LedgerEntry.user_id)
        .subquery()
    )
    rows = await session.execute(
        select(Wallet.user_id, Wallet.gold, func.coalesce(sums.c.total, 0))
        .outerjoin(sums, sums.c.user_id == Wallet.user_id)
        .where(Wallet.gold != func.coalesce(sums.c.total, 0))
    )
    return [(int(u), int(g), int(t)) for u, g, t in rows.all()]


async def locked_balance(session: AsyncSession, user_id: int) -> int:
    """The balance, with the wallet row held until the transaction ends (what is taken
    from it next cannot be spent meanwhile)."""
    gold = await session.scalar(
        select(Wallet.gold).where(Wallet.user_id == user_id).with_for_update()
    )
    return int(gold or 0)


async def ledger_entries(
    session: AsyncSession, user_id: int, ids: Sequence[int]
) -> list[ledger.LedgerEntry]:
    """The player's ledger rows among `ids` (another player's are not found)."""
    query = select(LedgerEntry).where(LedgerEntry.user_id == user_id, LedgerEntry.id.in_(ids))
    return [_entry(row) for row in await session.scalars(query)]
