"""Refund and debt types (SPEC §7.6): an operator refunds a purchase; a refund the
balance cannot cover leaves debt, which the player repays before playing again."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from casino_club.domain.payments import PurchaseStatus
from casino_club.schema.errors import UserError, ValidationFailed
from casino_club.schema.games import IdempotencyKeyInUse, IdempotencyKeyReused
from casino_club.schema.purchases import Purchase, PurchaseStatusEnum
from casino_club.schema.scalars import Gold


@strawberry.input
class RefundPurchaseInput:
    transaction_id: strawberry.ID
    reason: str = strawberry.field(description="Why: kept in the audit log (1-500 characters).")


@strawberry.type(description="Refunded: the money returned, the gold taken back.")
class PurchaseRefunded:
    purchase: Purchase
    gold_taken: Gold = strawberry.field(description="Taken from the balance now.")
    debt_added: Gold = strawberry.field(description="What the balance could not cover.")


@strawberry.type(description="No purchase with this id.")
class PurchaseNotFound(UserError):
    @classmethod
    def new(cls) -> PurchaseNotFound:
        return cls(code="PURCHASE_NOT_FOUND", message="No such purchase")


@strawberry.type(description="Only a succeeded purchase can be refunded.")
class NotRefundable(UserError):
    status: PurchaseStatusEnum  # type: ignore[valid-type]

    @classmethod
    def new(cls, status: PurchaseStatus) -> NotRefundable:
        return cls(
            code="NOT_REFUNDABLE",
            message=f"A {status.value} purchase cannot be refunded",
            status=status,
        )


@strawberry.type(description="The payment provider refused or did not answer; nothing changed.")
class RefundFailed(UserError):
    provider_reason: str

    @classmethod
    def new(cls, provider_reason: str) -> RefundFailed:
        return cls(
            code="REFUND_FAILED",
            message=f"The provider did not refund ({provider_reason})",
            provider_reason=provider_reason,
        )


RefundPurchaseResult = Annotated[
    PurchaseRefunded | PurchaseNotFound | NotRefundable | RefundFailed | ValidationFailed,
    strawberry.union("RefundPurchaseResult"),
]


@strawberry.input
class RepayDebtInput:
    idempotency_key: str | None = None


@strawberry.type(description="Gold from the balance paid towards the debt.")
class DebtRepaid:
    repaid: Gold
    debt: Gold = strawberry.field(description="Still owed; play resumes at 0.")
    balance: Gold
    replayed: bool

    def to_payload(self) -> dict[str, Any]:
        return {"repaid": int(self.repaid), "debt": int(self.debt), "balance": int(self.balance)}

    @classmethod
    def from_payload(cls, payload: dict[str, Any], *, replayed: bool) -> DebtRepaid:
        return cls(
            repaid=Gold(payload["repaid"]),
            debt=Gold(payload["debt"]),
            balance=Gold(payload["balance"]),
            replayed=replayed,
        )


RepayDebtResult = Annotated[
    DebtRepaid | IdempotencyKeyReused | IdempotencyKeyInUse | ValidationFailed,
    strawberry.union("RepayDebtResult"),
]
