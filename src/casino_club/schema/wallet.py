"""Wallet and ledger types (SPEC §2.1, §9.2)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from casino_club.domain import ledger
from casino_club.domain.ledger import LedgerReason
from casino_club.schema.enums import graphql_enum
from casino_club.schema.outcomes import presents
from casino_club.schema.scalars import Gold

R = LedgerReason
LedgerReasonEnum = graphql_enum(
    LedgerReason,
    "LedgerReason",
    "Why gold moved: every ledger row and balance change has one.",
    {
        R.SIGNUP_BONUS: "The 1,000 gold of a new account.",
        R.SLOT_BET: "A slot spin's stake (debit).",
        R.SLOT_WIN: "A slot spin's payout (credit).",
        R.RPS_BET: "A rock-paper-scissors stake (debit).",
        R.RPS_WIN: "A rock-paper-scissors payout, a draw's returned stake included (credit).",
        R.DICE_BET: "A dice stake (debit).",
        R.DICE_WIN: "A dice payout (credit).",
        R.GACHA_PULL: "The price of a gacha pull (debit).",
        R.GACHA_REFUND: "Gold for duplicate gacha items (credit).",
        R.WHEEL_SPIN: "The price of a paid wheel spin (debit).",
        R.WHEEL_PRIZE: "A wheel's gold prize (credit).",
        R.CRASH_BET: "A crash stake (debit).",
        R.CRASH_WIN: "A crash cash-out (credit).",
        R.PURCHASE: "Gold bought in the shop, bonus included (credit).",
        R.PURCHASE_REFUND: "A refunded purchase's gold taken back (debit).",
        R.DEBT_REPAYMENT: "Gold that repaid a refund's debt (debit).",
        R.ADMIN_ADJUSTMENT: "An operator's correction, with a reason in the audit log.",
        R.ADMIN_REWARD: "An operator's reward (credit).",
        R.DAILY_REWARD: "The daily check-in reward (credit).",
        R.MISSION_REWARD: "A mission's reward (credit).",
        R.CAMPAIGN_REWARD: "An operators' campaign's reward, credited with its "
        "notification (credit).",
    },
)


@presents(ledger.LedgerEntry)
@strawberry.type(description="One gold movement; the ledger is append-only.")
class LedgerEntry(relay.Node):
    id: relay.NodeID[int]
    amount: Gold = strawberry.field(description="Gold moved: positive credited, negative debited.")
    balance_after: Gold = strawberry.field(description="The balance right after this movement.")
    reason: LedgerReasonEnum = strawberry.field(  # type: ignore[valid-type]
        description="Why it moved."
    )
    reference: str | None = strawberry.field(
        description="What it belongs to, e.g. `slots:3:17` (game:seed:nonce) for a play, or the "
        "purchase; null when nothing."
    )
    at: datetime = strawberry.field(description="When it was committed.")
