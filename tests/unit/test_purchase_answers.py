"""What buying and refunds answer, as values (issue 25): each refusal's code and message
are the ones clients read before, and what a key stores reads back from the old rows."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from casino_club.domain.accounts import Rank
from casino_club.domain.errors import ErrorCode
from casino_club.domain.limits import LimitKind
from casino_club.domain.payments import FailureReason, Purchase, PurchaseStatus
from casino_club.domain.purchases import (
    NotAvailable,
    OpenedPurchase,
    PaymentDeclined,
    ProductNotFound,
    PromoInvalid,
    PurchaseBlocked,
    PurchaseLimitReached,
    PurchasePending,
    PurchaseSucceeded,
    RankRequired,
    SoldOut,
    SpendingLimitReached,
    answer,
)
from casino_club.domain.refunds import DebtRepaid, NotRefundable, PurchaseNotFound, RefundFailed
from casino_club.domain.shop import Currency, PackageProblem, PromoProblem
from casino_club.persistence import stored_outcomes

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("refusal", "code", "message"),
    [
        (
            PaymentDeclined(FailureReason.CAPTURE_FAILED, 7),
            ErrorCode.PAYMENT_DECLINED,
            "The payment did not go through (CAPTURE_FAILED)",
        ),
        (ProductNotFound("nope"), ErrorCode.PRODUCT_NOT_FOUND, "No such product is on sale"),
        (
            RankRequired(Rank.VIP),
            ErrorCode.RANK_REQUIRED,
            "This product needs rank VIP or above",
        ),
        (
            PromoInvalid(PromoProblem.EXPIRED),
            ErrorCode.PROMO_INVALID,
            "The promo code does not apply (EXPIRED)",
        ),
        (
            PurchaseBlocked(NOW, 90),
            ErrorCode.PURCHASE_BLOCKED,
            "Purchases are paused for 90 s",
        ),
        (
            SpendingLimitReached(LimitKind.MONTHLY_PURCHASE, 5_000, 4_000, NOW),
            ErrorCode.SPENDING_LIMIT_REACHED,
            "This would go over your monthly_purchase limit",
        ),
        (SoldOut("drop"), ErrorCode.SOLD_OUT, "This package is sold out"),
        (PurchaseLimitReached(2), ErrorCode.PURCHASE_LIMIT_REACHED, "At most 2 per player"),
        (
            NotAvailable(PackageProblem.ENDED, NOW, NOW),
            ErrorCode.NOT_AVAILABLE,
            "This package is not on sale (ENDED)",
        ),
        (PurchaseNotFound(), ErrorCode.PURCHASE_NOT_FOUND, "No such purchase"),
        (
            NotRefundable(PurchaseStatus.PENDING),
            ErrorCode.NOT_REFUNDABLE,
            "A PENDING purchase cannot be refunded",
        ),
        (
            RefundFailed("gateway_timeout"),
            ErrorCode.REFUND_FAILED,
            "The provider did not refund (gateway_timeout)",
        ),
    ],
)
def test_each_refusal_says_what_it_said_before(
    refusal: object, code: ErrorCode, message: str
) -> None:
    assert (refusal.code, refusal.message) == (code, message)  # type: ignore[attr-defined]


def purchase(status: PurchaseStatus, **changes: object) -> Purchase:
    values: dict[str, object] = {
        "id": 7,
        "user_id": 42,
        "idempotency_key": "k",
        "sku": "value",
        "quantity": 1,
        "currency": Currency.USD,
        "unit_price_cents": 1_999,
        "amount_cents": 1_999,
        "gold": 22_000,
        "bonus_gold": 2_000,
        "status": status,
        "failure_reason": None,
        "package_sku": None,
        "promo_code": None,
        "spend_usd_cents": 1_999,
        "gateway": "sandbox",
        "gateway_payment_id": "pay_1",
        "receipt_code": None,
        "receipt_signature": None,
        "created_at": NOW,
        "settled_at": None,
        **changes,
    }
    return Purchase(**values)  # type: ignore[arg-type]


def test_a_purchase_is_answered_as_it_stands() -> None:
    pending = purchase(PurchaseStatus.PENDING)
    assert answer(pending, replayed=True) == PurchasePending(7, pending)
    failed = purchase(PurchaseStatus.FAILED)
    assert answer(failed, replayed=False) == PaymentDeclined(FailureReason.DECLINED, 7)
    refunded = purchase(
        PurchaseStatus.REFUNDED, receipt_code="R1", receipt_signature="sig", settled_at=NOW
    )
    succeeded = answer(refunded, replayed=True)
    assert isinstance(succeeded, PurchaseSucceeded) and succeeded.replayed
    assert (succeeded.receipt.transaction_id, succeeded.receipt.status) == (
        7,
        PurchaseStatus.REFUNDED,
    )


def test_what_keys_store_reads_back_from_the_old_rows() -> None:
    assert stored_outcomes.dump(OpenedPurchase(7)) == {"purchaseId": 7}
    assert stored_outcomes.load(OpenedPurchase, {"purchaseId": 7}) == OpenedPurchase(7)
    repaid = DebtRepaid(repaid=3_000, debt=2_000, balance=0)
    assert stored_outcomes.dump(repaid) == {"repaid": 3_000, "debt": 2_000, "balance": 0}
    old = {"repaid": 3_000, "debt": 2_000, "balance": 0}  # DebtRepaid.to_payload's keys
    assert stored_outcomes.load(DebtRepaid, old) == DebtRepaid(3_000, 2_000, 0, replayed=True)
