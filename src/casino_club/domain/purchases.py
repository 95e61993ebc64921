"""What buying answers (SPEC §7.2, §7.3, §7.6): how a purchase ends, and every reason a
buyer is refused before anything is charged. Each refusal knows its `ErrorCode` and
message; the schema publishes each value as the GraphQL type of the same name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from casino_club.domain.accounts import Rank
from casino_club.domain.errors import ErrorCode
from casino_club.domain.limits import LimitKind
from casino_club.domain.payments import FailureReason, IssuedReceipt, Purchase, PurchaseStatus
from casino_club.domain.refusals import (
    IdempotencyKeyInUse,
    IdempotencyKeyReused,
    PlayerExcluded,
    ValidationFailed,
)
from casino_club.domain.shop import LimitedPackage, PackageProblem, PromoProblem


@dataclass(frozen=True, slots=True)
class OpenedPurchase:
    """What a purchase's idempotency key stores: the purchase it opened. A retry is
    answered from that purchase as it stands then (a pending one is polled), not from a
    copy of the first answer."""

    purchase_id: int


@dataclass(frozen=True, slots=True)
class PurchaseSucceeded:
    """Paid; the gold is in the wallet."""

    purchase: Purchase
    receipt: IssuedReceipt
    replayed: bool = False


@dataclass(frozen=True, slots=True)
class PurchasePending:
    """The provider has not decided yet: nothing is granted until it does."""

    transaction_id: int
    purchase: Purchase


@dataclass(frozen=True, slots=True)
class PaymentDeclined:
    """The payment did not go through; nothing was charged or granted."""

    code: ClassVar[ErrorCode] = ErrorCode.PAYMENT_DECLINED
    reason: FailureReason
    transaction_id: int

    @property
    def message(self) -> str:
        return f"The payment did not go through ({self.reason.value})"

    @classmethod
    def of(cls, row: Purchase) -> PaymentDeclined:
        return cls(row.failure_reason or FailureReason.DECLINED, row.id)


def answer(row: Purchase, *, replayed: bool) -> Settled:
    """What the buyer is told about a purchase, as it stands."""
    if row.status == PurchaseStatus.PENDING:
        return PurchasePending(transaction_id=row.id, purchase=row)
    if row.status in (
        PurchaseStatus.SUCCEEDED,
        PurchaseStatus.REFUND_PENDING,
        PurchaseStatus.REFUNDED,
    ):
        receipt = row.issued_receipt()
        assert receipt is not None, "a paid purchase has its receipt"
        return PurchaseSucceeded(purchase=row, receipt=receipt, replayed=replayed)
    return PaymentDeclined.of(row)


@dataclass(frozen=True, slots=True)
class ReceiptVerification:
    """Whether a receipt is one this server signed, for a purchase that still stands."""

    valid: bool
    authentic: bool
    status: PurchaseStatus | None
    receipt: IssuedReceipt | None


@dataclass(frozen=True, slots=True)
class ProductNotFound:
    """No product (or package) with this sku is on sale."""

    code: ClassVar[ErrorCode] = ErrorCode.PRODUCT_NOT_FOUND
    sku: str

    @property
    def message(self) -> str:
        return "No such product is on sale"


@dataclass(frozen=True, slots=True)
class RankRequired:
    """The product needs a higher rank."""

    code: ClassVar[ErrorCode] = ErrorCode.RANK_REQUIRED
    required: Rank

    @property
    def message(self) -> str:
        return f"This product needs rank {self.required.value} or above"


@dataclass(frozen=True, slots=True)
class PromoInvalid:
    """The promo code does not apply to this purchase."""

    code: ClassVar[ErrorCode] = ErrorCode.PROMO_INVALID
    promo_problem: PromoProblem

    @property
    def message(self) -> str:
        return f"The promo code does not apply ({self.promo_problem.value})"


@dataclass(frozen=True, slots=True)
class PurchaseBlocked:
    """Too many purchase attempts, or payment methods, in a short time: purchases are
    paused until `until`."""

    code: ClassVar[ErrorCode] = ErrorCode.PURCHASE_BLOCKED
    until: datetime
    retry_after_seconds: int

    @property
    def message(self) -> str:
        return f"Purchases are paused for {self.retry_after_seconds} s"


@dataclass(frozen=True, slots=True)
class SpendingLimitReached:
    """This purchase would go over a purchase limit the player set (USD cents)."""

    code: ClassVar[ErrorCode] = ErrorCode.SPENDING_LIMIT_REACHED
    period: LimitKind
    limit_cents: int
    spent_cents: int  # already spent in the period
    resets_at: datetime

    @property
    def message(self) -> str:
        return f"This would go over your {self.period.value.lower()} limit"


@dataclass(frozen=True, slots=True)
class SoldOut:
    """No unit of the package is left."""

    code: ClassVar[ErrorCode] = ErrorCode.SOLD_OUT
    sku: str

    @property
    def message(self) -> str:
        return "This package is sold out"


@dataclass(frozen=True, slots=True)
class PurchaseLimitReached:
    """The buyer already has as many of this package as one may."""

    code: ClassVar[ErrorCode] = ErrorCode.PURCHASE_LIMIT_REACHED
    limit: int

    @property
    def message(self) -> str:
        return f"At most {self.limit} per player"


@dataclass(frozen=True, slots=True)
class NotAvailable:
    """The package is not on sale now (its window, or switched off)."""

    code: ClassVar[ErrorCode] = ErrorCode.NOT_AVAILABLE
    problem: PackageProblem
    starts_at: datetime | None
    ends_at: datetime | None

    @property
    def message(self) -> str:
        return f"This package is not on sale ({self.problem.value})"

    @classmethod
    def of(cls, problem: PackageProblem, package: LimitedPackage) -> NotAvailable:
        return cls(problem, package.starts_at, package.ends_at)


# How a purchase ends, whatever was bought.
Settled = PurchaseSucceeded | PurchasePending | PaymentDeclined
# Refused before anything was recorded, whatever was bought.
Refused = (
    PromoInvalid
    | SpendingLimitReached
    | PlayerExcluded
    | PurchaseBlocked
    | IdempotencyKeyReused
    | IdempotencyKeyInUse
)
# Why a product cannot be bought by this buyer (nothing written).
ProductUnavailable = ProductNotFound | RankRequired | ValidationFailed
# Why a package cannot be bought by this buyer, priced or held.
PackageUnavailable = ProductNotFound | NotAvailable | SoldOut | PurchaseLimitReached
# What `buyProduct` and `buyLimitedPackage` answer (their GraphQL `…Result` unions).
BuyProductOutcome = Settled | Refused | ProductUnavailable
BuyLimitedPackageOutcome = Settled | Refused | PackageUnavailable | ValidationFailed
