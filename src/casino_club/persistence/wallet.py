"""The one path by which gold moves.

Each movement is a conditional atomic UPDATE of the wallet (a debit only matches while
`gold >= amount`, so two concurrent debits can never both spend the same coins) plus a
ledger row, in the caller's transaction: the balance and its history commit together
or not at all, and `wallet.gold == sum(ledger.amount)` holds at every commit.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.domain.ledger import LedgerReason
from casino_club.persistence.models import LedgerEntry, Wallet


class InsufficientGold(Exception):
    def __init__(self, required: int) -> None:
        super().__init__(f"insufficient gold: {required} required")
        self.required = required


async def open_wallet(session: AsyncSession, user_id: int, now: datetime) -> None:
    await session.execute(insert(Wallet).values(user_id=user_id, gold=0, updated_at=now))


async def move_gold(
    session: AsyncSession,
    *,
    user_id: int,
    amount: int,
    reason: LedgerReason,
    reference: str | None,
    now: datetime,
) -> int:
    """Credit (amount > 0) or debit (amount < 0) and record it; returns the new balance.

    Raises InsufficientGold, changing nothing, when a debit exceeds the balance.
    """
    if amount == 0:
        raise ValueError("a ledger movement must move gold")
    statement = (
        update(Wallet)
        .where(Wallet.user_id == user_id)
        .values(gold=Wallet.gold + amount, updated_at=now)
        .returning(Wallet.gold)
    )
    if amount < 0:
        statement = statement.where(Wallet.gold >= -amount)
    balance = (await session.execute(statement)).scalar_one_or_none()
    if balance is None:
        raise InsufficientGold(-amount)
    await session.execute(
        insert(LedgerEntry).values(
            user_id=user_id,
            amount=amount,
            balance_after=balance,
            reason=reason.value,
            reference=reference,
            created_at=now,
        )
    )
    return balance


async def balance_of(session: AsyncSession, user_id: int) -> int:
    gold = await session.scalar(select(Wallet.gold).where(Wallet.user_id == user_id))
    return int(gold or 0)


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
