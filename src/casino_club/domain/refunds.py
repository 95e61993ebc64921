"""What refunds and debt answer (SPEC §7.6): an operator's refund, taken back as far as
the balance goes, and the player's repayment of what it could not cover."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from casino_club.domain.errors import ErrorCode
from casino_club.domain.payments import Purchase, PurchaseStatus
from casino_club.domain.refusals import IdempotencyKeyInUse, IdempotencyKeyReused, ValidationFailed


@dataclass(frozen=True, slots=True)
class PurchaseRefunded:
    """Refunded: the money returned, the gold taken back."""

    purchase: Purchase
    gold_taken: int  # taken from the balance now
    debt_added: int  # what the balance could not cover


@dataclass(frozen=True, slots=True)
class PurchaseNotFound:
    """No purchase with this id."""

    code: ClassVar[ErrorCode] = ErrorCode.PURCHASE_NOT_FOUND

    @property
    def message(self) -> str:
        return "No such purchase"


@dataclass(frozen=True, slots=True)
class NotRefundable:
    """Only a succeeded purchase can be refunded."""

    code: ClassVar[ErrorCode] = ErrorCode.NOT_REFUNDABLE
    status: PurchaseStatus

    @property
    def message(self) -> str:
        return f"A {self.status.value} purchase cannot be refunded"


@dataclass(frozen=True, slots=True)
class RefundFailed:
    """The payment provider refused or did not answer; nothing changed."""

    code: ClassVar[ErrorCode] = ErrorCode.REFUND_FAILED
    provider_reason: str

    @property
    def message(self) -> str:
        return f"The provider did not refund ({self.provider_reason})"


@dataclass(frozen=True, slots=True)
class DebtRepaid:
    """Gold from the balance paid towards the debt (stored under `repayDebt`'s key)."""

    repaid: int
    debt: int  # still owed; play resumes at 0
    balance: int
    replayed: bool = False


# What `refundPurchase` and `repayDebt` answer (their GraphQL `…Result` unions).
RefundPurchaseOutcome = (
    PurchaseRefunded | PurchaseNotFound | NotRefundable | RefundFailed | ValidationFailed
)
RepayDebtOutcome = DebtRepaid | IdempotencyKeyReused | IdempotencyKeyInUse | ValidationFailed
