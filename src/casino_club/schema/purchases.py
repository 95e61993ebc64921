"""Purchase types (SPEC §7.2, §7.6): buying, its result union, receipts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import relay

from casino_club.domain import listings, payments, purchases, shop
from casino_club.domain.ids import NodeKind
from casino_club.domain.limits import LimitKind
from casino_club.domain.shop import PromoProblem
from casino_club.schema.enums import RankEnum
from casino_club.schema.errors import UserError, ValidationFailed
from casino_club.schema.games import IdempotencyKeyInUse, IdempotencyKeyReused, PlayerExcluded
from casino_club.schema.identity import KeyedBySku, required_reference
from casino_club.schema.identity import LazyPlayer as Player
from casino_club.schema.identity import player as player_field
from casino_club.schema.outcomes import presents
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


@presents(payments.IssuedReceipt)
@strawberry.type(description="Proof of a purchase, signed by the server (HMAC-SHA256).")
class Receipt:
    code: str
    signature: str
    transaction_id: strawberry.ID = required_reference(
        NodeKind.PURCHASE, "transaction_id", description="The purchase's global id (a Purchase)."
    )
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


@presents(payments.Purchase)
@strawberry.type(description="One purchase attempt and where it stands.")
class Purchase(relay.Node):
    id: relay.NodeID[int]
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

    @strawberry.field(graphql_type=Receipt | None)
    def receipt(self, root: strawberry.Parent[payments.Purchase]) -> payments.IssuedReceipt | None:
        return root.issued_receipt()


@presents(purchases.PurchaseSucceeded, described=True)
@strawberry.type
class PurchaseSucceeded:
    purchase: Purchase
    player: Player = player_field(description="The caller, as this left them (their gold).")
    receipt: Receipt
    replayed: bool = strawberry.field(description="An earlier request with this key paid.")


@presents(purchases.PurchasePending)
@strawberry.type(
    description="The provider has not decided yet: nothing is granted until it does. Send "
    "the same request again (same idempotency key) to ask, or wait for balanceChanged."
)
class PurchasePending:
    transaction_id: strawberry.ID = required_reference(
        NodeKind.PURCHASE, "transaction_id", description="The purchase's global id (a Purchase)."
    )
    purchase: Purchase


@presents(purchases.PaymentDeclined, described=True)
@strawberry.type
class PaymentDeclined(UserError):
    reason: FailureReasonEnum  # type: ignore[valid-type]
    transaction_id: strawberry.ID = required_reference(
        NodeKind.PURCHASE, "transaction_id", description="The purchase's global id (a Purchase)."
    )


@presents(purchases.ProductNotFound)
@strawberry.type(description="No product with this sku is on sale.")
class ProductNotFound(UserError):
    sku: str


@presents(purchases.RankRequired, described=True)
@strawberry.type
class RankRequired(UserError):
    required: RankEnum  # type: ignore[valid-type]


@presents(purchases.PromoInvalid, described=True)
@strawberry.type
class PromoInvalid(UserError):
    # Not `reason`: PaymentDeclined, in the same unions, has a `reason` of another type,
    # and NotAvailable a `problem`: a client selecting them together would be refused.
    promo_problem: PromoProblemEnum  # type: ignore[valid-type]


@presents(purchases.PurchaseBlocked, described=True)
@strawberry.type
class PurchaseBlocked(UserError):
    until: datetime
    retry_after_seconds: int


@presents(purchases.SpendingLimitReached, described=True)
@strawberry.type
class SpendingLimitReached(UserError):
    period: LimitKindEnum  # type: ignore[valid-type]
    limit_cents: int
    spent_cents: int = strawberry.field(description="Already spent in the period.")
    resets_at: datetime


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


@presents(purchases.ReceiptVerification, described=True)
@strawberry.type
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


@presents(listings.PackageItem, described=True)
@strawberry.type
class PackageItem:
    item_id: str
    quantity: int


@strawberry.type
class PackageTerms:
    """The fields `LimitedPackage` and `AdminLimitedPackage` share, in their order (each
    places `perUserLimit` itself). Never published on its own."""

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


@presents(listings.PackageListing)
@strawberry.type(description="A package on sale for a window, from a limited stock.")
class LimitedPackage(KeyedBySku, PackageTerms, relay.Node):
    remaining_stock: int = strawberry.field(
        description="Units neither sold nor held by a purchase in progress."
    )
    per_user_limit: int
    remaining_for_me: int | None = strawberry.field(
        description="How many more the caller may buy; null when not logged in."
    )


@presents(purchases.SoldOut, described=True)
@strawberry.type
class SoldOut(UserError):
    sku: str


@presents(purchases.PurchaseLimitReached)
@strawberry.type(description="The caller already has as many of this package as one may.")
class PurchaseLimitReached(UserError):
    limit: int


@presents(purchases.NotAvailable, described=True)
@strawberry.type
class NotAvailable(UserError):
    problem: PackageProblemEnum  # type: ignore[valid-type]
    starts_at: datetime | None
    ends_at: datetime | None


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
