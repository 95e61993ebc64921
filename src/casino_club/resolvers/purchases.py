"""Buying catalog products (SPEC §7.2), receipts and the buyer's purchase list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.context import Context, Viewer
from casino_club.domain import shop
from casino_club.domain.accounts import FieldProblem
from casino_club.domain.payments import Purchase, PurchaseStatus, receipt_signed
from casino_club.domain.purchases import (
    BuyProductOutcome,
    ProductNotFound,
    ProductUnavailable,
    RankRequired,
    ReceiptVerification,
)
from casino_club.domain.refusals import ValidationFailed
from casino_club.domain.shop import Quote
from casino_club.persistence import products, purchases
from casino_club.resolvers.checkout import checkout, order_of
from casino_club.services import Services

MAX_SKU_LENGTH = 64
MAX_RECEIPT_FIELD = 128


async def buy_product(
    context: Context,
    viewer: Viewer,
    *,
    sku: str,
    quantity: int,
    payment_token: str,
    promo_code: str | None,
    key: str,
) -> BuyProductOutcome:
    problems = []
    if not 1 <= len(sku) <= MAX_SKU_LENGTH:
        problems.append(
            FieldProblem("sku", "INVALID_SKU", f"must be 1-{MAX_SKU_LENGTH} characters")
        )
    if not 1 <= quantity <= shop.MAX_QUANTITY:
        problems.append(
            FieldProblem("quantity", "INVALID_QUANTITY", f"must be 1-{shop.MAX_QUANTITY}")
        )
    order = order_of(
        context,
        viewer,
        operation="buyProduct",
        key=key,
        payment_token=payment_token,
        promo_code=promo_code,
        parameters={"sku": sku, "quantity": quantity},
        problems=problems,
    )
    if isinstance(order, ValidationFailed):
        return order
    return await checkout(context.services, viewer, order, ProductOffer(sku, quantity))


@dataclass(frozen=True, slots=True)
class ProductOffer:
    sku: str
    quantity: int
    package_sku: None = None

    async def price(
        self, session: AsyncSession, viewer: Viewer, now: datetime
    ) -> Quote | ProductUnavailable:
        product = await products.on_sale(session, self.sku)
        if product is None:
            return ProductNotFound(self.sku)
        if not shop.may_buy(viewer.rank, product):
            return RankRequired(product.min_rank)
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


async def verify_receipt(services: Services, code: str, signature: str) -> ReceiptVerification:
    """Whether the code and signature are a receipt this server issued (constant-time),
    and whether its purchase still stands: a refunded purchase's receipt is authentic
    but no longer valid (SPEC §7.7)."""
    invalid = ReceiptVerification(valid=False, authentic=False, status=None, receipt=None)
    if len(code) > MAX_RECEIPT_FIELD or len(signature) > MAX_RECEIPT_FIELD:
        return invalid
    async with services.sessionmaker() as session:
        row = await purchases.by_receipt_code(session, code)
    receipt = None if row is None else row.receipt()
    secret = services.settings.receipt_secret.get_secret_value().encode()
    if row is None or receipt is None or not receipt_signed(secret, receipt, signature):
        return invalid
    return ReceiptVerification(
        valid=row.status == PurchaseStatus.SUCCEEDED,
        authentic=True,
        status=row.status,
        receipt=row.issued_receipt(),
    )


async def purchase_page(
    services: Services, user_id: int, *, after_id: int | None, limit: int
) -> list[Purchase]:
    """A player's purchases, newest first, after the purchase `after_id` (a keyset page:
    ask for one more than the page to learn whether another follows)."""
    async with services.sessionmaker() as session:
        return await purchases.page(session, user_id, after_id=after_id, limit=limit)
