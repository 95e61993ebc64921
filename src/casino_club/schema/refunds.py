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


@strawberry.input(
    description="Refund a purchase (admin): the money goes back, the gold is taken back."
)
class RefundPurchaseInput:
    transaction_id: strawberry.ID = strawberry.field(
        description="The purchase's global id (a Purchase)."
    )
    reason: str = strawberry.field(description="Why: kept in the audit log (1-500 characters).")


@presents(refunds.PurchaseRefunded, described=True)
@strawberry.type
class PurchaseRefunded:
    purchase: Purchase = strawberry.field(description="The purchase, now REFUNDED.")
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
    status: PurchaseStatusEnum = strawberry.field(  # type: ignore[valid-type]
        description="The purchase's status, which cannot be refunded (only SUCCEEDED can)."
    )


@presents(refunds.RefundFailed, described=True)
@strawberry.type
class RefundFailed(UserError):
    provider_reason: str = strawberry.field(
        description="The payment provider's reason, as it gave it."
    )


RefundPurchaseResult = Annotated[
    PurchaseRefunded | PurchaseNotFound | NotRefundable | RefundFailed | ValidationFailed,
    strawberry.union(
        "RefundPurchaseResult",
        description="refundPurchase's answer: the refund, or why not.",
    ),
]


@strawberry.input(description="Pay the player's debt from their gold balance.")
class RepayDebtInput:
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Up to 255 characters; a retry with the same key and input "
        "returns the first result instead of acting again.",
    )


@presents(refunds.DebtRepaid)
@strawberry.type(description="Gold from the balance paid towards the debt.")
class DebtRepaid:
    player: Player = player_field(
        description="The caller, as this left them (their gold and debt)."
    )
    repaid: Gold = strawberry.field(description="Gold taken from the balance for the debt.")
    debt: Gold = strawberry.field(description="Still owed; play resumes at 0.")
    balance: Gold = strawberry.field(description="The caller's gold after.")
    replayed: bool = strawberry.field(
        description="True when this is the stored result of an earlier request with the same "
        "idempotency key."
    )


RepayDebtResult = Annotated[
    DebtRepaid | IdempotencyKeyReused | IdempotencyKeyInUse | ValidationFailed,
    strawberry.union(
        "RepayDebtResult",
        description="repayDebt's answer.",
    ),
]
