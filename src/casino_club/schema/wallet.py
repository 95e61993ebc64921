"""Wallet and ledger types (SPEC §2.1, §9.2)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from casino_club.domain import ledger
from casino_club.domain.ledger import LedgerReason
from casino_club.schema.outcomes import presents
from casino_club.schema.scalars import Gold

LedgerReasonEnum = strawberry.enum(LedgerReason, name="LedgerReason")


@presents(ledger.LedgerEntry)
@strawberry.type(description="One gold movement; the ledger is append-only.")
class LedgerEntry(relay.Node):
    id: relay.NodeID[int]
    amount: Gold
    balance_after: Gold
    reason: LedgerReasonEnum  # type: ignore[valid-type]
    reference: str | None
    at: datetime
