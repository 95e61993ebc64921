"""Buying catalog products (SPEC §7.2), receipts and the buyer's purchase list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.context import Context, Viewer
from casino_club.domain import shop
from casino_club.domain.accounts import FieldProblem
from casino_club.domain.payments import PurchaseStatus, receipt_signed
from casino_club.domain.refusals import ValidationFailed
from casino_club.domain.shop import Quote
from casino_club.persistence import products, purchases
from casino_club.resolvers.checkout import checkout, order_of
from casino_club.schema.pagination import Connection, keyset_connection
from casino_club.schema.purchases import (
    BuyProductInput,
    BuyProductResult,
    ProductNotFound,
    Purchase,
    RankRequired,
    Receipt,
    ReceiptVerification,
    VerifyReceiptInput,
)
from casino_club.services import Services

MAX_SKU_LENGTH = 64
MAX_RECEIPT_FIELD = 128


async def buy_product(context: Context, viewer: Viewer, data: BuyProductInput) -> BuyProductResult:
    problems = []
    if not 1 <= len(data.sku) <= MAX_SKU_LENGTH:
        problems.append(
            FieldProblem("sku", "INVALID_SKU", f"must be 1-{MAX_SKU_LENGTH} characters")
        )
    if not 1 <= data.quantity <= shop.MAX_QUANTITY:
        problems.append(
            FieldProblem("quantity", "INVALID_QUANTITY", f"must be 1-{shop.MAX_QUANTITY}")
        )
    order = order_of(
        context,
        viewer,
        operation="buyProduct",
        key=data.idempotency_key,
        payment_token=data.payment_token,
        promo_code=data.promo_code,
        parameters={"sku": data.sku, "quantity": data.quantity},
        problems=problems,
    )
    if isinstance(order, ValidationFailed):
        return order
    return await checkout(context.services, viewer, order, ProductOffer(data.sku, data.quantity))


@dataclass(frozen=True, slots=True)
class ProductOffer:
    sku: str
    quantity: int
    package_sku: None = None

    async def price(
        self, session: AsyncSession, viewer: Viewer, now: datetime
    ) -> Quote | ProductNotFound | RankRequired | ValidationFailed:
        product = await products.on_sale(session, self.sku)
        if product is None:
            return ProductNotFound.new(self.sku)
        if not shop.may_buy(viewer.rank, product):
            return RankRequired.new(product.min_rank)
        if not shop.total_fits(shop.price_at(product, now), self.quantity):
            problem = FieldProblem(
                "quantity",
                "AMOUNT_TOO_LARGE",
                f"the total is at most {shop.MAX_AMOUNT_CENTS} cents",
            )
            return ValidationFailed.of([problem])  # refused before anything is charged
        return shop.quote(product, self.quantity, now)

    async def hold(self, session: AsyncSession, viewer: Viewer, now: datetime) -> None:
        return None  # a catalog product has no stock


async def verify_receipt(services: Services, data: VerifyReceiptInput) -> ReceiptVerification:
    """Whether the code and signature are a receipt this server issued (constant-time),
    and whether its purchase still stands: a refunded purchase's receipt is authentic
    but no longer valid (SPEC §7.7)."""
    invalid = ReceiptVerification(valid=False, authentic=False, status=None, receipt=None)
    if len(data.code) > MAX_RECEIPT_FIELD or len(data.signature) > MAX_RECEIPT_FIELD:
        return invalid
    async with services.sessionmaker() as session:
        row = await purchases.by_receipt_code(session, data.code)
    receipt = None if row is None else row.receipt()
    secret = services.settings.receipt_secret.get_secret_value().encode()
    if row is None or receipt is None or not receipt_signed(secret, receipt, data.signature):
        return invalid
    return ReceiptVerification(
        valid=row.status == PurchaseStatus.SUCCEEDED,
        authentic=True,
        status=row.status,
        receipt=Receipt.of(row),
    )


async def purchase_page(
    services: Services, user_id: int, *, first: int, after: str | None, after_id: int | None
) -> Connection[Purchase]:
    async with services.sessionmaker() as session:
        rows = await purchases.page(session, user_id, after_id=after_id, limit=first + 1)
    return keyset_connection(rows, first, after, Purchase.of, key=lambda row: row.id)
