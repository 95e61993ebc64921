"""Buying a product (SPEC §7.2, §7.6).

The gateway is never called inside a database transaction (a slow provider would hold
locks and connections). So a purchase is three steps:

1. **Open** (one transaction): claim the idempotency key, check the product and the
   buyer's eligibility, price it, record the purchase PENDING; commit. The key stays
   IN_PROGRESS, so a duplicate sent meanwhile answers `IdempotencyKeyInUse`.
2. **Pay**: authorize, then capture, each call bounded and retried (payments/client.py).
3. **Settle** (payment_settlement.settle): leave PENDING once, grant, complete the key.

A retry with the same key is answered from the purchase it opened: the receipt, the
decline, or — while pending — a fresh poll of the provider.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

import strawberry

from casino_club.context import Context, Viewer
from casino_club.domain import shop
from casino_club.domain.accounts import FieldProblem
from casino_club.domain.payments import FailureReason, PurchaseStatus, receipt_signed
from casino_club.domain.payments import Purchase as PurchaseRow
from casino_club.domain.shop import PromoProblem
from casino_club.payments.gateway import GatewayTimeout
from casino_club.persistence import idempotency, products, purchases
from casino_club.persistence.database import read_connection
from casino_club.persistence.hot_state import HotStateUnavailable, PurchaseGuard
from casino_club.persistence.idempotency import InUse, KeyRequest, KeyTaken, Replay, Reused
from casino_club.resolvers.guards import hot_state_down, key_request
from casino_club.resolvers.payment_settlement import Verdict, advance, reference, settle
from casino_club.schema.errors import ValidationFailed
from casino_club.schema.games import IdempotencyKeyInUse, IdempotencyKeyReused
from casino_club.schema.pagination import Connection, keyset_connection
from casino_club.schema.purchases import (
    BuyProductInput,
    BuyProductResult,
    PaymentDeclined,
    ProductNotFound,
    PromoInvalid,
    Purchase,
    PurchaseBlocked,
    PurchasePending,
    PurchaseSucceeded,
    RankRequired,
    Receipt,
    ReceiptVerification,
    VerifyReceiptInput,
)
from casino_club.services import Services

OPERATION = "buyProduct"
MAX_SKU_LENGTH = 64
MAX_TOKEN_LENGTH = 255
MAX_PROMO_LENGTH = 64
MAX_RECEIPT_FIELD = 128


async def buy_product(context: Context, viewer: Viewer, data: BuyProductInput) -> BuyProductResult:
    services = context.services
    invalid = _invalid(data)
    if invalid is not None:
        return invalid
    key = key_request(
        context,
        viewer,
        key=data.idempotency_key,
        operation=OPERATION,
        parameters={
            "sku": data.sku,
            "quantity": data.quantity,
            "paymentToken": data.payment_token,
            "promoCode": data.promo_code,
        },
    )
    if isinstance(key, ValidationFailed):
        return key
    assert key is not None, "buyProduct's key is required by the schema"
    earlier = await _answer_for_key(services, key)
    if earlier is not None:
        return earlier
    opened = await _open(services, viewer, key, data)
    if not isinstance(opened, PurchaseRow):
        return opened
    try:
        payment = await services.payments.authorize(
            token=data.payment_token,
            amount_cents=opened.amount_cents,
            currency=opened.currency,
            reference=reference(opened.id),
        )
    except GatewayTimeout:
        verdict = Verdict(PurchaseStatus.FAILED, FailureReason.GATEWAY_TIMEOUT)
    else:
        verdict = await advance(services, payment)
    settled = await settle(services, opened.id, verdict)
    assert settled is not None, "no precondition was given"
    return _answer(settled, replayed=False)


def _invalid(data: BuyProductInput) -> ValidationFailed | None:
    problems = []
    if not 1 <= len(data.sku) <= MAX_SKU_LENGTH:
        problems.append(("sku", "INVALID_SKU", f"must be 1-{MAX_SKU_LENGTH} characters"))
    if not 1 <= data.quantity <= shop.MAX_QUANTITY:
        problems.append(("quantity", "INVALID_QUANTITY", f"must be 1-{shop.MAX_QUANTITY}"))
    if not 1 <= len(data.payment_token) <= MAX_TOKEN_LENGTH:
        problems.append(
            ("paymentToken", "INVALID_PAYMENT_TOKEN", f"must be 1-{MAX_TOKEN_LENGTH} characters")
        )
    if data.promo_code is not None and not 1 <= len(data.promo_code) <= MAX_PROMO_LENGTH:
        problems.append(
            ("promoCode", "INVALID_PROMO_CODE", f"must be 1-{MAX_PROMO_LENGTH} characters")
        )
    if not problems:
        return None
    return ValidationFailed.of([FieldProblem(*problem) for problem in problems])


async def _open(
    services: Services, viewer: Viewer, key: KeyRequest, data: BuyProductInput
) -> PurchaseRow | BuyProductResult:
    """Step 1: the purchase recorded PENDING with its key held, or why not (nothing kept)."""
    async with services.unit_of_work() as uow:
        session = uow.session
        now = services.clock.now()
        try:
            await idempotency.claim(session, key, now)
        except KeyTaken:
            # Another request with this key committed meanwhile: answer as its retry.
            await uow.rollback()
            earlier = await _answer_for_key(services, key)
            return IdempotencyKeyInUse.new() if earlier is None else earlier
        product = await products.on_sale(session, data.sku)
        if product is None:
            return ProductNotFound.new(data.sku)
        if not shop.may_buy(viewer.rank, product):
            return RankRequired.new(product.min_rank)
        if data.promo_code is not None:
            return PromoInvalid.new(PromoProblem.UNKNOWN_CODE)
        blocked = await _fraud_guard(services, viewer, data.payment_token)
        if blocked is not None:
            return blocked
        row = await purchases.open_purchase(
            session,
            user_id=viewer.id,
            quote=shop.quote(product, data.quantity, now),
            key=key.key,
            gateway=services.payments.name,
            now=now,
        )
        await uow.commit()
    return row


async def _fraud_guard(
    services: Services, viewer: Viewer, payment_token: str
) -> PurchaseBlocked | None:
    """Count this attempt (SPEC §7.6); PurchaseBlocked if the player is blocked. Only
    attempts that would open a purchase count: a replay or a refused request does not.
    Without Redis purchases are refused: a guard that fails open guards nothing."""
    settings = services.settings
    guard = PurchaseGuard(
        window_ms=settings.fraud_window_seconds * 1000,
        max_attempts=settings.fraud_max_attempts,
        max_tokens=settings.fraud_max_tokens,
        block_ms=settings.fraud_block_seconds * 1000,
    )
    now = services.clock.now()
    now_ms = int(now.timestamp() * 1000)
    digest = hashlib.sha256(payment_token.encode()).hexdigest()  # never the token itself
    try:
        until_ms = await services.hot_state.purchase_attempt(viewer.id, digest, guard, now_ms)
    except HotStateUnavailable:
        raise hot_state_down() from None
    if until_ms is None:
        return None
    wait_ms = until_ms - now_ms
    return PurchaseBlocked.new(now + timedelta(milliseconds=wait_ms), -(-wait_ms // 1000))


async def _answer_for_key(services: Services, key: KeyRequest) -> BuyProductResult | None:
    """The answer for a key already used: from its purchase (polled if pending), or why
    it cannot be used; None if the key is new."""
    async with read_connection(services.engine) as connection:
        found = await idempotency.stored(connection, key)
    if found is None:
        return None
    if isinstance(found, Reused):
        return IdempotencyKeyReused.new()
    if isinstance(found, InUse):
        return IdempotencyKeyInUse.new()
    assert isinstance(found, Replay)
    purchase_id = int(found.response["purchaseId"])
    async with services.sessionmaker() as session:
        row = await purchases.get(session, purchase_id)
    assert row is not None, "a completed key names its purchase"
    if row.status == PurchaseStatus.PENDING:
        row = await _poll(services, row)
    return _answer(row, replayed=True)


async def _poll(services: Services, row: PurchaseRow) -> PurchaseRow:
    """Ask the provider about a pending purchase and settle it if it has decided."""
    if row.gateway_payment_id is None:
        return row
    try:
        payment = await services.payments.status(row.gateway_payment_id)
    except GatewayTimeout:
        return row
    verdict = await advance(services, payment)
    if verdict.status == PurchaseStatus.PENDING:
        return row
    settled = await settle(services, row.id, verdict)
    return row if settled is None else settled


def _answer(row: PurchaseRow, *, replayed: bool) -> BuyProductResult:
    status = PurchaseStatus(row.status)
    if status == PurchaseStatus.PENDING:
        return PurchasePending(transaction_id=strawberry.ID(str(row.id)), purchase=Purchase.of(row))
    if status in (PurchaseStatus.SUCCEEDED, PurchaseStatus.REFUNDED):
        receipt = Receipt.of(row)
        assert receipt is not None, "a paid purchase has its receipt"
        return PurchaseSucceeded(purchase=Purchase.of(row), receipt=receipt, replayed=replayed)
    return PaymentDeclined.of(row)


async def verify_receipt(services: Services, data: VerifyReceiptInput) -> ReceiptVerification:
    """Whether the code and signature are a receipt this server issued (constant-time)."""
    invalid = ReceiptVerification(valid=False, receipt=None)
    if len(data.code) > MAX_RECEIPT_FIELD or len(data.signature) > MAX_RECEIPT_FIELD:
        return invalid
    async with services.sessionmaker() as session:
        row = await purchases.by_receipt_code(session, data.code)
    receipt = None if row is None else row.receipt()
    secret = services.settings.receipt_secret.get_secret_value().encode()
    if row is None or receipt is None or not receipt_signed(secret, receipt, data.signature):
        return invalid
    return ReceiptVerification(valid=True, receipt=Receipt.of(row))


async def purchase_page(
    services: Services, user_id: int, *, first: int, after: str | None, after_id: int | None
) -> Connection[Purchase]:
    async with services.sessionmaker() as session:
        rows = await purchases.page(session, user_id, after_id=after_id, limit=first + 1)
    return keyset_connection(rows, first, after, Purchase.of, key=lambda row: row.id)
