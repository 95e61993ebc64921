"""Wallet and ledger types (SPEC §2.1, §9.2)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from casino_club.domain.ledger import LedgerReason
from casino_club.persistence.models import LedgerEntry as LedgerEntryRow
from casino_club.schema.scalars import Gold

LedgerReasonEnum = strawberry.enum(LedgerReason, name="LedgerReason")


@strawberry.type(description="One gold movement; the ledger is append-only.")
class LedgerEntry:
    id: strawberry.ID
    amount: Gold
    balance_after: Gold
    reason: LedgerReasonEnum  # type: ignore[valid-type]
    reference: str | None
    at: datetime

    @classmethod
    def of(cls, row: LedgerEntryRow) -> LedgerEntry:
        return cls(
            id=strawberry.ID(str(row.id)),
            amount=Gold(row.amount),
            balance_after=Gold(row.balance_after),
            reason=LedgerReason(row.reason),
            reference=row.reference,
            at=row.created_at,
        )
