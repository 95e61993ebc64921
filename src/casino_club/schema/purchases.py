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
from casino_club.schema.enums import RankEnum, graphql_enum
from casino_club.schema.errors import UserError, ValidationFailed
from casino_club.schema.games import IdempotencyKeyInUse, IdempotencyKeyReused, PlayerExcluded
from casino_club.schema.identity import KeyedBySku, required_reference
from casino_club.schema.identity import LazyPlayer as Player
from casino_club.schema.identity import player as player_field
from casino_club.schema.outcomes import presents
from casino_club.schema.scalars import Gold
from casino_club.schema.shop import CurrencyEnum

S = payments.PurchaseStatus
PurchaseStatusEnum = graphql_enum(
    S,
    "PurchaseStatus",
    "Where a purchase stands.",
    {
        S.PENDING: "The provider has not decided: nothing granted yet. Retry with the same "
        "idempotency key to ask again; stale ones are voided after 5 minutes.",
        S.SUCCEEDED: "Paid: the gold and items were granted once.",
        S.FAILED: "The payment failed: nothing charged, nothing granted.",
        S.VOIDED: "The authorization was cancelled: nothing charged, nothing granted.",
        S.REFUND_PENDING: "Granted; an operator's refund is under way.",
        S.REFUNDED: "The money went back and the gold was taken back (debt if spent).",
    },
)
PromoProblemEnum = graphql_enum(
    PromoProblem,
    "PromoProblem",
    "Why a promo code does not apply.",
    {
        PromoProblem.UNKNOWN_CODE: "No promo code has this text.",
        PromoProblem.DISABLED: "An operator switched it off.",
        PromoProblem.NOT_STARTED: "Its window has not opened yet.",
        PromoProblem.EXPIRED: "Its window has closed.",
        PromoProblem.NOT_APPLICABLE: "Not for this product, or a fixed amount in another currency.",
        PromoProblem.EXHAUSTED: "Every use is taken.",
        PromoProblem.ALREADY_USED: "The player used up their own uses of it.",
    },
)
LimitKindEnum = graphql_enum(
    LimitKind,
    "LimitKind",
    "A limit a player sets on themselves.",
    {
        LimitKind.DAILY_PURCHASE: "Purchases per game day, in USD cents.",
        LimitKind.MONTHLY_PURCHASE: "Purchases per game month, in USD cents.",
        LimitKind.DAILY_LOSS: "Gold lost at play per game day (stakes minus wins).",
    },
)
PackageProblemEnum = graphql_enum(
    shop.PackageProblem,
    "PackageProblem",
    "Why a limited package cannot be bought now.",
    {
        shop.PackageProblem.NOT_STARTED: "Its window has not opened yet (see startsAt).",
        shop.PackageProblem.ENDED: "Its window has closed (see endsAt).",
        shop.PackageProblem.DISABLED: "An operator stopped its sales.",
    },
)
F = payments.FailureReason
FailureReasonEnum = graphql_enum(
    F,
    "PaymentFailureReason",
    "Why a purchase took no money",
    {
        F.DECLINED: "The provider refused the payment.",
        F.CAPTURE_FAILED: "Authorized, then the capture failed; the authorization was voided.",
        F.GATEWAY_TIMEOUT: "The provider did not answer after every retry.",
        F.GATEWAY_ERROR: "The provider reported the payment failed.",
        F.STALE_AUTO_VOID: "Pending for more than 5 minutes: voided.",
        F.RESERVATION_EXPIRED: "The package unit was held past its 120 seconds.",
        F.LATE_CAPTURE_REFUNDED: "The provider captured after the purchase had ended: "
        "refunded at once.",
    },
)


@strawberry.input(
    description="Buy a product: gold plus bonus is granted once the payment is captured."
)
class BuyProductInput:
    sku: str = strawberry.field(description="The product (Product.sku).")
    quantity: int = strawberry.field(default=1, description="Units, 1–10.")
    payment_token: str = strawberry.field(description="From the payment provider's client SDK.")
    promo_code: str | None = strawberry.field(
        default=None,
        description="A promo code to apply; null for none. One that does not apply "
        "answers PromoInvalid and charges nothing.",
    )
    idempotency_key: str = strawberry.field(
        description="Required: a retry with the same key never charges twice, and polls a "
        "pending purchase."
    )


@strawberry.input(description="A receipt to check, as the purchase returned it.")
class VerifyReceiptInput:
    code: str = strawberry.field(description="Receipt.code.")
    signature: str = strawberry.field(description="Receipt.signature.")


@presents(payments.IssuedReceipt)
@strawberry.type(description="Proof of a purchase, signed by the server (HMAC-SHA256).")
class Receipt:
    code: str = strawberry.field(description="The receipt's unique code.")
    signature: str = strawberry.field(
        description="Lowercase hex HMAC-SHA256 over the receipt's fields, made with the server's "
        "secret: verifyReceipt checks it."
    )
    transaction_id: strawberry.ID = required_reference(
        NodeKind.PURCHASE, "transaction_id", description="The purchase's global id (a Purchase)."
    )
    sku: str = strawberry.field(description="What was bought.")
    quantity: int = strawberry.field(description="Units bought.")
    amount_cents: int = strawberry.field(
        description="What was paid, in the minor unit of `currency`."
    )
    currency: CurrencyEnum = strawberry.field(  # type: ignore[valid-type]
        description="The currency paid in."
    )
    gold: Gold = strawberry.field(description="Everything granted, bonus included.")
    issued_at: datetime = strawberry.field(description="When the receipt was issued.")
    status: PurchaseStatusEnum = strawberry.field(  # type: ignore[valid-type]
        description="Where the purchase stands now: SUCCEEDED, or REFUND_PENDING / "
        "REFUNDED once its money is (being) returned — the receipt then proves a payment "
        "that no longer stands."
    )


@presents(payments.Purchase)
@strawberry.type(description="One purchase attempt and where it stands.")
class Purchase(relay.Node):
    id: relay.NodeID[int]
    sku: str = strawberry.field(description="What was bought.")
    quantity: int = strawberry.field(description="Units.")
    amount_cents: int = strawberry.field(
        description="The total charged, in the minor unit of `currency`, after discount and promo."
    )
    currency: CurrencyEnum = strawberry.field(  # type: ignore[valid-type]
        description="The currency charged."
    )
    gold: Gold = strawberry.field(description="Granted on success, bonus included.")
    bonus_gold: Gold = strawberry.field(description="The bonus part of `gold`.")
    promo_code: str | None = strawberry.field(description="The promo code applied; null when none.")
    status: PurchaseStatusEnum = strawberry.field(  # type: ignore[valid-type]
        description="Where it stands."
    )
    failure_reason: FailureReasonEnum | None = strawberry.field(  # type: ignore[valid-type]
        description="Why it took no money; null unless FAILED or VOIDED."
    )
    created_at: datetime = strawberry.field(description="When it was opened.")
    settled_at: datetime | None = strawberry.field(
        description="When it left PENDING; null while pending."
    )
    refunded_at: datetime | None = strawberry.field(
        description="When it was refunded; null when not."
    )

    @strawberry.field(
        description="Its receipt once it succeeded; null before, or when it failed.",
        graphql_type=Receipt | None,
    )
    def receipt(self, root: strawberry.Parent[payments.Purchase]) -> payments.IssuedReceipt | None:
        return root.issued_receipt()


@presents(purchases.PurchaseSucceeded, described=True)
@strawberry.type
class PurchaseSucceeded:
    purchase: Purchase = strawberry.field(description="The purchase, SUCCEEDED.")
    player: Player = player_field(description="The caller, as this left them (their gold).")
    receipt: Receipt = strawberry.field(description="Its receipt.")
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
    purchase: Purchase = strawberry.field(description="The purchase, PENDING.")


@presents(purchases.PaymentDeclined, described=True)
@strawberry.type
class PaymentDeclined(UserError):
    reason: FailureReasonEnum = strawberry.field(  # type: ignore[valid-type]
        description="Why the payment failed."
    )
    transaction_id: strawberry.ID = required_reference(
        NodeKind.PURCHASE, "transaction_id", description="The purchase's global id (a Purchase)."
    )


@presents(purchases.ProductNotFound)
@strawberry.type(description="No product with this sku is on sale.")
class ProductNotFound(UserError):
    sku: str = strawberry.field(description="The sku asked for.")


@presents(purchases.RankRequired, described=True)
@strawberry.type
class RankRequired(UserError):
    required: RankEnum = strawberry.field(  # type: ignore[valid-type]
        description="The lowest rank that may buy it."
    )


@presents(purchases.PromoInvalid, described=True)
@strawberry.type
class PromoInvalid(UserError):
    # Not `reason`: PaymentDeclined, in the same unions, has a `reason` of another type,
    # and NotAvailable a `problem`: a client selecting them together would be refused.
    promo_problem: PromoProblemEnum = strawberry.field(  # type: ignore[valid-type]
        description="Why the promo code does not apply."
    )


@presents(purchases.PurchaseBlocked, described=True)
@strawberry.type
class PurchaseBlocked(UserError):
    until: datetime = strawberry.field(description="When purchases open again.")
    retry_after_seconds: int = strawberry.field(description="Seconds until then.")


@presents(purchases.SpendingLimitReached, described=True)
@strawberry.type
class SpendingLimitReached(UserError):
    period: LimitKindEnum = strawberry.field(  # type: ignore[valid-type]
        description="Which purchase limit it would pass."
    )
    limit_cents: int = strawberry.field(description="The limit, in USD cents.")
    spent_cents: int = strawberry.field(description="Already spent in the period.")
    resets_at: datetime = strawberry.field(description="When the period turns over.")


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
    strawberry.union(
        "BuyProductResult",
        description="buyProduct's answer: paid, pending, declined, or why nothing was charged.",
    ),
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


@strawberry.input(
    description="Buy one unit of a limited package: a unit is reserved, then paid (released if "
    "the payment fails)."
)
class BuyLimitedPackageInput:
    sku: str = strawberry.field(description="The package (LimitedPackage.sku).")
    payment_token: str = strawberry.field(description="From the payment provider's client SDK.")
    promo_code: str | None = strawberry.field(
        default=None,
        description="A promo code to apply; null for none. One that does not apply "
        "answers PromoInvalid and charges nothing.",
    )
    idempotency_key: str = strawberry.field(
        description="Required: a retry with the same key never charges twice, and polls a "
        "pending purchase."
    )


@presents(listings.PackageItem, described=True)
@strawberry.type
class PackageItem:
    item_id: str = strawberry.field(description="The item (e.g. a gacha ticket).")
    quantity: int = strawberry.field(description="How many.")


@strawberry.type
class PackageTerms:
    """The fields `LimitedPackage` and `AdminLimitedPackage` share, in their order (each
    places `perUserLimit` itself). Never published on its own."""

    sku: str = strawberry.field(description="The package's stable key, to buy it with.")
    name: str = strawberry.field(description="Its display name.")
    description: str = strawberry.field(description="Its display text.")
    price_cents: int = strawberry.field(
        description="What one costs, in the minor unit of `currency` (won for KRW)."
    )
    currency: CurrencyEnum = strawberry.field(  # type: ignore[valid-type]
        description="The currency of its price."
    )
    gold: Gold = strawberry.field(description="Gold it grants.")
    items: list[PackageItem] = strawberry.field(description="Items it grants besides gold.")
    starts_at: datetime = strawberry.field(description="When sales open.")
    ends_at: datetime = strawberry.field(description="When sales close (exclusive).")
    total_stock: int = strawberry.field(description="Units on sale in all.")


@presents(listings.PackageListing)
@strawberry.type(description="A package on sale for a window, from a limited stock.")
class LimitedPackage(KeyedBySku, PackageTerms, relay.Node):
    remaining_stock: int = strawberry.field(
        description="Units neither sold nor held by a purchase in progress."
    )
    per_user_limit: int = strawberry.field(description="Units one player may buy.")
    remaining_for_me: int | None = strawberry.field(
        description="How many more the caller may buy; null when not logged in."
    )


@presents(purchases.SoldOut, described=True)
@strawberry.type
class SoldOut(UserError):
    sku: str = strawberry.field(description="The package.")


@presents(purchases.PurchaseLimitReached)
@strawberry.type(description="The caller already has as many of this package as one may.")
class PurchaseLimitReached(UserError):
    limit: int = strawberry.field(description="Units one player may buy.")


@presents(purchases.NotAvailable, described=True)
@strawberry.type
class NotAvailable(UserError):
    problem: PackageProblemEnum = strawberry.field(  # type: ignore[valid-type]
        description="Why it cannot be bought now."
    )
    starts_at: datetime | None = strawberry.field(
        description="When sales open; null when not the reason."
    )
    ends_at: datetime | None = strawberry.field(
        description="When sales closed; null when not the reason."
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
    strawberry.union(
        "BuyLimitedPackageResult",
        description="buyLimitedPackage's answer: paid, pending, declined, or why nothing was "
        "charged.",
    ),
]
