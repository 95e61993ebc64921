"""Refund and debt types (SPEC §7.6): an operator refunds a purchase; a refund the
balance cannot cover leaves debt, which the player repays before playing again."""

from __future__ import annotations

from typing import Annotated

import strawberry

from casino_club.domain import refunds
from casino_club.schema.errors import UserError, ValidationFailed
from casino_club.schema.games import IdempotencyKeyInUse, IdempotencyKeyReused
from casino_club.schema.identity import LazyPlayer as Player
from casino_club.schema.identity import player as player_field
from casino_club.schema.outcomes import presents
from casino_club.schema.purchases import Purchase, PurchaseStatusEnum
from casino_club.schema.scalars import Gold


@strawberry.input
class RefundPurchaseInput:
    transaction_id: strawberry.ID = strawberry.field(
        description="The purchase's global id (a Purchase)."
    )
    reason: str = strawberry.field(description="Why: kept in the audit log (1-500 characters).")


@presents(refunds.PurchaseRefunded, described=True)
@strawberry.type
class PurchaseRefunded:
    purchase: Purchase
    player: Player = player_field(
        description="The buyer, as the refund left them (their gold and debt).",
        attribute="purchase.user_id",
    )
    gold_taken: Gold = strawberry.field(description="Taken from the balance now.")
    debt_added: Gold = strawberry.field(description="What the balance could not cover.")


@presents(refunds.PurchaseNotFound, described=True)
@strawberry.type
class PurchaseNotFound(UserError):
    pass


@presents(refunds.NotRefundable, described=True)
@strawberry.type
class NotRefundable(UserError):
    status: PurchaseStatusEnum  # type: ignore[valid-type]


@presents(refunds.RefundFailed, described=True)
@strawberry.type
class RefundFailed(UserError):
    provider_reason: str


RefundPurchaseResult = Annotated[
    PurchaseRefunded | PurchaseNotFound | NotRefundable | RefundFailed | ValidationFailed,
    strawberry.union("RefundPurchaseResult"),
]


@strawberry.input
class RepayDebtInput:
    idempotency_key: str | None = None


@presents(refunds.DebtRepaid)
@strawberry.type(description="Gold from the balance paid towards the debt.")
class DebtRepaid:
    player: Player = player_field(
        description="The caller, as this left them (their gold and debt)."
    )
    repaid: Gold
    debt: Gold = strawberry.field(description="Still owed; play resumes at 0.")
    balance: Gold
    replayed: bool


RepayDebtResult = Annotated[
    DebtRepaid | IdempotencyKeyReused | IdempotencyKeyInUse | ValidationFailed,
    strawberry.union("RepayDebtResult"),
]
