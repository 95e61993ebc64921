"""Purchase types (SPEC §7.2, §7.6): buying, its result union, receipts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from casino_club.domain import payments, shop
from casino_club.domain.accounts import Rank
from casino_club.domain.limits import LimitKind
from casino_club.domain.payments import Purchase as PurchaseRow
from casino_club.domain.shop import PromoProblem
from casino_club.schema.enums import RankEnum
from casino_club.schema.errors import UserError, ValidationFailed
from casino_club.schema.games import IdempotencyKeyInUse, IdempotencyKeyReused, PlayerExcluded
from casino_club.schema.scalars import Gold
from casino_club.schema.shop import CurrencyEnum

PurchaseStatusEnum = strawberry.enum(payments.PurchaseStatus, name="PurchaseStatus")
PromoProblemEnum = strawberry.enum(PromoProblem, name="PromoProblem")
LimitKindEnum = strawberry.enum(LimitKind, name="LimitKind")
PackageProblemEnum = strawberry.enum(shop.PackageProblem, name="PackageProblem")
FailureReasonEnum = strawberry.enum(
    payments.FailureReason,
    name="PaymentFailureReason",
    description="Why a purchase took no money",
)


@strawberry.input
class BuyProductInput:
    sku: str
    quantity: int = 1
    payment_token: str = strawberry.field(description="From the payment provider's client SDK.")
    promo_code: str | None = None
    idempotency_key: str = strawberry.field(
        description="Required: a retry with the same key never charges twice, and polls a "
        "pending purchase."
    )


@strawberry.input
class VerifyReceiptInput:
    code: str
    signature: str


@strawberry.type(description="Proof of a purchase, signed by the server (HMAC-SHA256).")
class Receipt:
    code: str
    signature: str
    transaction_id: strawberry.ID
    sku: str
    quantity: int
    amount_cents: int
    currency: CurrencyEnum  # type: ignore[valid-type]
    gold: Gold = strawberry.field(description="Everything granted, bonus included.")
    issued_at: datetime
    status: PurchaseStatusEnum = strawberry.field(  # type: ignore[valid-type]
        description="Where the purchase stands now: SUCCEEDED, or REFUND_PENDING / "
        "REFUNDED once its money is (being) returned — the receipt then proves a payment "
        "that no longer stands."
    )

    @classmethod
    def of(cls, row: PurchaseRow) -> Receipt | None:
        receipt = row.receipt()
        if receipt is None or row.receipt_signature is None:
            return None
        return cls(
            code=receipt.code,
            signature=row.receipt_signature,
            transaction_id=strawberry.ID(str(row.id)),
            sku=receipt.sku,
            quantity=receipt.quantity,
            amount_cents=receipt.amount_cents,
            currency=receipt.currency,
            gold=Gold(receipt.gold),
            issued_at=receipt.issued_at,
            status=row.status,
        )


@strawberry.type(description="One purchase attempt and where it stands.")
class Purchase:
    id: strawberry.ID
    sku: str
    quantity: int
    amount_cents: int
    currency: CurrencyEnum  # type: ignore[valid-type]
    gold: Gold = strawberry.field(description="Granted on success, bonus included.")
    bonus_gold: Gold
    promo_code: str | None
    status: PurchaseStatusEnum  # type: ignore[valid-type]
    failure_reason: FailureReasonEnum | None  # type: ignore[valid-type]
    created_at: datetime
    settled_at: datetime | None
    refunded_at: datetime | None
    receipt: Receipt | None

    @classmethod
    def of(cls, row: PurchaseRow) -> Purchase:
        return cls(
            id=strawberry.ID(str(row.id)),
            sku=row.sku,
            quantity=row.quantity,
            amount_cents=row.amount_cents,
            currency=row.currency,
            gold=Gold(row.gold),
            bonus_gold=Gold(row.bonus_gold),
            promo_code=row.promo_code,
            status=row.status,
            failure_reason=row.failure_reason,
            created_at=row.created_at,
            settled_at=row.settled_at,
            refunded_at=row.refunded_at,
            receipt=Receipt.of(row),
        )


@strawberry.type(description="Paid; the gold is in the wallet.")
class PurchaseSucceeded:
    purchase: Purchase
    receipt: Receipt
    replayed: bool = strawberry.field(description="An earlier request with this key paid.")


@strawberry.type(
    description="The provider has not decided yet: nothing is granted until it does. Send "
    "the same request again (same idempotency key) to ask, or wait for balanceChanged."
)
class PurchasePending:
    transaction_id: strawberry.ID
    purchase: Purchase


@strawberry.type(description="The payment did not go through; nothing was charged or granted.")
class PaymentDeclined(UserError):
    reason: FailureReasonEnum  # type: ignore[valid-type]
    transaction_id: strawberry.ID

    @classmethod
    def of(cls, row: PurchaseRow) -> PaymentDeclined:
        reason = row.failure_reason or payments.FailureReason.DECLINED
        return cls(
            code="PAYMENT_DECLINED",
            message=f"The payment did not go through ({reason.value})",
            reason=reason,
            transaction_id=strawberry.ID(str(row.id)),
        )


@strawberry.type(description="No product with this sku is on sale.")
class ProductNotFound(UserError):
    sku: str

    @classmethod
    def new(cls, sku: str) -> ProductNotFound:
        return cls(code="PRODUCT_NOT_FOUND", message="No such product is on sale", sku=sku)


@strawberry.type(description="The product needs a higher rank.")
class RankRequired(UserError):
    required: RankEnum  # type: ignore[valid-type]

    @classmethod
    def new(cls, required: Rank) -> RankRequired:
        return cls(
            code="RANK_REQUIRED",
            message=f"This product needs rank {required.value} or above",
            required=required,
        )


@strawberry.type(description="The promo code does not apply to this purchase.")
class PromoInvalid(UserError):
    # Not `reason`: PaymentDeclined, in the same unions, has a `reason` of another type,
    # and NotAvailable a `problem`: a client selecting them together would be refused.
    promo_problem: PromoProblemEnum  # type: ignore[valid-type]

    @classmethod
    def new(cls, problem: PromoProblem) -> PromoInvalid:
        return cls(
            code="PROMO_INVALID",
            message=f"The promo code does not apply ({problem.value})",
            promo_problem=problem,
        )


@strawberry.type(
    description="Too many purchase attempts, or payment methods, in a short time: "
    "purchases are paused until `until`."
)
class PurchaseBlocked(UserError):
    until: datetime
    retry_after_seconds: int

    @classmethod
    def new(cls, until: datetime, retry_after_seconds: int) -> PurchaseBlocked:
        return cls(
            code="PURCHASE_BLOCKED",
            message=f"Purchases are paused for {retry_after_seconds} s",
            until=until,
            retry_after_seconds=retry_after_seconds,
        )


@strawberry.type(
    description="This purchase would go over a purchase limit the player set (USD cents)."
)
class SpendingLimitReached(UserError):
    period: LimitKindEnum  # type: ignore[valid-type]
    limit_cents: int
    spent_cents: int = strawberry.field(description="Already spent in the period.")
    resets_at: datetime

    @classmethod
    def new(
        cls, period: LimitKind, limit_cents: int, spent_cents: int, resets_at: datetime
    ) -> SpendingLimitReached:
        return cls(
            code="SPENDING_LIMIT_REACHED",
            message=f"This would go over your {period.value.lower()} limit",
            period=period,
            limit_cents=limit_cents,
            spent_cents=spent_cents,
            resets_at=resets_at,
        )


BuyProductResult = Annotated[
    PurchaseSucceeded
    | PurchasePending
    | PaymentDeclined
    | ProductNotFound
    | RankRequired
    | PromoInvalid
    | SpendingLimitReached
    | PlayerExcluded
    | PurchaseBlocked
    | IdempotencyKeyReused
    | IdempotencyKeyInUse
    | ValidationFailed,
    strawberry.union("BuyProductResult"),
]


@strawberry.type(
    description="Whether a receipt is one this server signed, for a purchase that still stands."
)
class ReceiptVerification:
    valid: bool = strawberry.field(
        description="Signed by this server and its purchase not refunded (nor being refunded)."
    )
    authentic: bool = strawberry.field(
        description="Signed by this server, whatever became of the purchase since."
    )
    status: PurchaseStatusEnum | None = strawberry.field(  # type: ignore[valid-type]
        description="The purchase's status now, when authentic (REFUNDED: refunded)."
    )
    receipt: Receipt | None = strawberry.field(description="The receipt, when authentic.")


@strawberry.input
class BuyLimitedPackageInput:
    sku: str
    payment_token: str = strawberry.field(description="From the payment provider's client SDK.")
    promo_code: str | None = None
    idempotency_key: str = strawberry.field(
        description="Required: a retry with the same key never charges twice, and polls a "
        "pending purchase."
    )


@strawberry.type(description="An item a package contains, and how many.")
class PackageItem:
    item_id: str
    quantity: int


@strawberry.type(description="A package on sale for a window, from a limited stock.")
class LimitedPackage:
    sku: str
    name: str
    description: str
    price_cents: int
    currency: CurrencyEnum  # type: ignore[valid-type]
    gold: Gold
    items: list[PackageItem]
    starts_at: datetime
    ends_at: datetime
    total_stock: int
    remaining_stock: int = strawberry.field(
        description="Units neither sold nor held by a purchase in progress."
    )
    per_user_limit: int
    remaining_for_me: int | None = strawberry.field(
        description="How many more the caller may buy; null when not logged in."
    )

    @classmethod
    def of(cls, package: shop.LimitedPackage, remaining: int, mine: int | None) -> LimitedPackage:
        return cls(
            sku=package.sku,
            name=package.name,
            description=package.description,
            price_cents=package.price_cents,
            currency=package.currency,
            gold=Gold(package.gold),
            items=[PackageItem(item_id=item, quantity=n) for item, n in package.items],
            starts_at=package.starts_at,
            ends_at=package.ends_at,
            total_stock=package.total_stock,
            remaining_stock=max(remaining, 0),
            per_user_limit=package.per_user_limit,
            remaining_for_me=None if mine is None else shop.allowance_left(package, mine),
        )


@strawberry.type(description="No unit of the package is left.")
class SoldOut(UserError):
    sku: str

    @classmethod
    def new(cls, sku: str) -> SoldOut:
        return cls(code="SOLD_OUT", message="This package is sold out", sku=sku)


@strawberry.type(description="The caller already has as many of this package as one may.")
class PurchaseLimitReached(UserError):
    limit: int

    @classmethod
    def new(cls, limit: int) -> PurchaseLimitReached:
        return cls(
            code="PURCHASE_LIMIT_REACHED",
            message=f"At most {limit} per player",
            limit=limit,
        )


@strawberry.type(description="The package is not on sale now (its window, or switched off).")
class NotAvailable(UserError):
    problem: PackageProblemEnum  # type: ignore[valid-type]
    starts_at: datetime | None
    ends_at: datetime | None

    @classmethod
    def new(cls, reason: shop.PackageProblem, package: shop.LimitedPackage) -> NotAvailable:
        return cls(
            code="NOT_AVAILABLE",
            message=f"This package is not on sale ({reason.value})",
            problem=reason,
            starts_at=package.starts_at,
            ends_at=package.ends_at,
        )


BuyLimitedPackageResult = Annotated[
    PurchaseSucceeded
    | PurchasePending
    | PaymentDeclined
    | ProductNotFound
    | NotAvailable
    | SoldOut
    | PurchaseLimitReached
    | PromoInvalid
    | SpendingLimitReached
    | PlayerExcluded
    | PurchaseBlocked
    | IdempotencyKeyReused
    | IdempotencyKeyInUse
    | ValidationFailed,
    strawberry.union("BuyLimitedPackageResult"),
]
