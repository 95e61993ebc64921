"""Payment rules (SPEC §7.2, §7.6): a purchase's states, signed receipts and signed
webhooks. Pure: the secrets and the time are passed in.

A purchase is recorded PENDING before the gateway is asked for money, and leaves
PENDING exactly once (a guarded UPDATE), whichever of the buyer, a poll, a webhook or
the sweeper gets there first: that single transition is what grants the gold.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from casino_club.domain.shop import Currency

RECEIPT_VERSION = "v1"
SIGNATURE_SCHEME = "v1"
# A signature header longer than this is not one of ours (a timestamp and a few v1s).
MAX_SIGNATURE_HEADER = 1024


class PurchaseStatus(StrEnum):
    PENDING = "PENDING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    VOIDED = "VOIDED"
    REFUND_PENDING = "REFUND_PENDING"  # granted; its refund is under way (two-phase)
    REFUNDED = "REFUNDED"


class FailureReason(StrEnum):
    """Why a purchase did not take the player's money."""

    DECLINED = "DECLINED"  # the gateway refused the authorization
    CAPTURE_FAILED = "CAPTURE_FAILED"  # authorized, then the capture failed (voided)
    GATEWAY_TIMEOUT = "GATEWAY_TIMEOUT"  # no answer after every retry
    GATEWAY_ERROR = "GATEWAY_ERROR"  # the gateway reported the payment failed later
    STALE_AUTO_VOID = "STALE_AUTO_VOID"  # pending too long: voided by the sweeper
    RESERVATION_EXPIRED = "RESERVATION_EXPIRED"  # a package's unit held past its time
    # Captured by the provider after the purchase had left PENDING: refunded at once.
    LATE_CAPTURE_REFUNDED = "LATE_CAPTURE_REFUNDED"


@dataclass(frozen=True, slots=True)
class Purchase:
    """A purchase as recorded: what it costs and grants (fixed when it opened) and
    where it stands."""

    id: int
    user_id: int
    idempotency_key: str
    sku: str
    quantity: int
    currency: Currency
    unit_price_cents: int
    amount_cents: int
    gold: int  # granted on success, bonus included
    bonus_gold: int
    status: PurchaseStatus
    failure_reason: FailureReason | None
    package_sku: str | None  # a limited package's purchase (it holds a unit while PENDING)
    promo_code: str | None  # the code used (it holds one of its uses while PENDING)
    spend_usd_cents: int  # the price as spend counts it (limits, ranks)
    gateway: str
    gateway_payment_id: str | None
    receipt_code: str | None
    receipt_signature: str | None
    created_at: datetime
    settled_at: datetime | None
    refunded_at: datetime | None = None
    refund_reason: str | None = None
    refund_actor_id: int | None = None  # who asked for the refund (None: the provider)
    late_payment_id: str | None = None  # paid too late, not given back yet (SPEC §7.7)

    def receipt(self) -> Receipt | None:
        """The receipt its signature covers, once it succeeded."""
        if self.receipt_code is None or self.settled_at is None:
            return None
        return Receipt(
            code=self.receipt_code,
            purchase_id=self.id,
            user_id=self.user_id,
            sku=self.sku,
            quantity=self.quantity,
            amount_cents=self.amount_cents,
            currency=self.currency,
            gold=self.gold,
            issued_at=self.settled_at,
        )

    def issued_receipt(self) -> IssuedReceipt | None:
        """The receipt as its buyer holds it, once it is signed."""
        receipt = self.receipt()
        if receipt is None or self.receipt_signature is None:
            return None
        return IssuedReceipt(
            code=receipt.code,
            signature=self.receipt_signature,
            transaction_id=self.id,
            sku=receipt.sku,
            quantity=receipt.quantity,
            amount_cents=receipt.amount_cents,
            currency=receipt.currency,
            gold=receipt.gold,
            issued_at=receipt.issued_at,
            status=self.status,
        )


@dataclass(frozen=True, slots=True)
class Receipt:
    """Proof of a successful purchase: the fields its signature covers."""

    code: str
    purchase_id: int
    user_id: int
    sku: str
    quantity: int
    amount_cents: int
    currency: Currency
    gold: int
    issued_at: datetime

    def canonical(self) -> bytes:
        """The signed message: every field, in a fixed order, unambiguously separated
        (no field may hold the separator: codes, skus and currencies are plain tokens)."""
        fields = (
            RECEIPT_VERSION,
            self.code,
            str(self.purchase_id),
            str(self.user_id),
            self.sku,
            str(self.quantity),
            str(self.amount_cents),
            self.currency.value,
            str(self.gold),
            self.issued_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        )
        return "|".join(fields).encode()


@dataclass(frozen=True, slots=True)
class IssuedReceipt:
    """A receipt as its buyer holds it (the GraphQL `Receipt`): what it proves, its
    signature, and where its purchase stands now (REFUND_PENDING / REFUNDED: the payment
    it proves no longer stands)."""

    code: str
    signature: str
    transaction_id: int  # the purchase's id
    sku: str
    quantity: int
    amount_cents: int
    currency: Currency
    gold: int  # everything granted, bonus included
    issued_at: datetime
    status: PurchaseStatus


def sign_receipt(secret: bytes, receipt: Receipt) -> str:
    return hmac.new(secret, receipt.canonical(), hashlib.sha256).hexdigest()


def receipt_signed(secret: bytes, receipt: Receipt, signature: str) -> bool:
    """Whether `signature` is the receipt's own (compared in constant time)."""
    expected = sign_receipt(secret, receipt)
    return hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace"))


class WebhookCheck(StrEnum):
    VALID = "VALID"
    MALFORMED = "MALFORMED"  # no header, or not `t=<unix>,v1=<hex>`
    STALE = "STALE"  # signed more than the tolerance ago (or that far in the future)
    BAD_SIGNATURE = "BAD_SIGNATURE"  # no v1 matches the body under our secret


def webhook_signature(secret: bytes, timestamp: int, body: bytes) -> str:
    """HMAC_SHA256(secret, "<t>.<body>"), hex: what the provider puts after `v1=`."""
    return hmac.new(secret, str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()


def signature_header(secret: bytes, timestamp: int, body: bytes) -> str:
    """A `Payment-Signature` header as a provider sends it (tests and tools sign with it)."""
    return f"t={timestamp},{SIGNATURE_SCHEME}={webhook_signature(secret, timestamp, body)}"


def check_webhook(
    secret: bytes,
    header: str | None,
    body: bytes,
    now: datetime,
    tolerance: timedelta,
) -> WebhookCheck:
    """Verify a `Payment-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]` header against the
    exact body received. Several v1 values are accepted so a provider can roll its
    secret; the timestamp is inside the signed message, so moving it breaks the MAC."""
    parsed = _parse_header(header)
    if parsed is None:
        return WebhookCheck.MALFORMED
    timestamp, signatures = parsed
    if abs(now.timestamp() - timestamp) > tolerance.total_seconds():
        return WebhookCheck.STALE
    expected = webhook_signature(secret, timestamp, body).encode()
    if any(hmac.compare_digest(expected, given.encode()) for given in signatures):
        return WebhookCheck.VALID
    return WebhookCheck.BAD_SIGNATURE


def _parse_header(header: str | None) -> tuple[int, list[str]] | None:
    if header is None or len(header) > MAX_SIGNATURE_HEADER or not header.isascii():
        return None
    timestamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        name, sep, value = part.strip().partition("=")
        if not sep:
            return None
        if name == "t":
            if timestamp is not None or not value.isdigit() or len(value) > 12:
                return None
            timestamp = int(value)
        elif name == SIGNATURE_SCHEME:
            if len(value) != 64:
                return None
            signatures.append(value.lower())
    if timestamp is None or not signatures:
        return None
    return timestamp, signatures


@dataclass(frozen=True, slots=True)
class Clawback:
    """How a refund takes back the gold a purchase granted: what the balance covers is
    taken now; the shortfall becomes debt, since a balance never goes below zero."""

    taken: int
    debt: int


def claw_back(granted: int, balance: int) -> Clawback:
    taken = min(granted, max(balance, 0))
    return Clawback(taken=taken, debt=granted - taken)


def repayment(debt: int, available: int) -> int:
    """How much of a debt the available gold repays now: all of it if it can."""
    return min(max(debt, 0), max(available, 0))


@dataclass(frozen=True, slots=True)
class BackOff:
    """How long to wait before asking the provider again about something it did not
    answer about `checks` times: doubling from `base`, never past `ceiling`."""

    base: timedelta
    ceiling: timedelta

    def after(self, checks: int) -> timedelta:
        return min(self.base * (1 << min(max(checks, 0), 32)), self.ceiling)
