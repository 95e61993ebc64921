"""Limited packages (SPEC §7.3): listed with their stock and the caller's allowance, and
bought through the one checkout, which holds a unit of stock from the moment the
purchase opens until it settles (sold, or released if the payment fails or the
reservation expires)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.context import Context, Viewer
from casino_club.domain import shop
from casino_club.domain.accounts import FieldProblem
from casino_club.domain.refusals import ValidationFailed
from casino_club.domain.shop import Quote
from casino_club.persistence import packages
from casino_club.resolvers.checkout import checkout, order_of
from casino_club.schema.purchases import (
    BuyLimitedPackageInput,
    BuyLimitedPackageResult,
    LimitedPackage,
    NotAvailable,
    ProductNotFound,
    PurchaseLimitReached,
    SoldOut,
)
from casino_club.services import Services

MAX_SKU_LENGTH = 64

Unavailable = ProductNotFound | NotAvailable | SoldOut | PurchaseLimitReached


async def listed(services: Services, viewer: Viewer | None) -> list[LimitedPackage]:
    now = services.clock.now()
    async with services.sessionmaker() as session:
        on_sale = await packages.listed(session, now)
        mine = (
            await packages.bought_by(session, viewer.id, [s.package.sku for s in on_sale])
            if viewer is not None
            else None
        )
    return [
        LimitedPackage.of(
            s.package, s.remaining, None if mine is None else mine.get(s.package.sku, 0)
        )
        for s in on_sale
    ]


async def buy(
    context: Context, viewer: Viewer, data: BuyLimitedPackageInput
) -> BuyLimitedPackageResult:
    problems = []
    if not 1 <= len(data.sku) <= MAX_SKU_LENGTH:
        problems.append(
            FieldProblem("sku", "INVALID_SKU", f"must be 1-{MAX_SKU_LENGTH} characters")
        )
    order = order_of(
        context,
        viewer,
        operation="buyLimitedPackage",
        key=data.idempotency_key,
        payment_token=data.payment_token,
        promo_code=data.promo_code,
        parameters={"sku": data.sku},
        problems=problems,
    )
    if isinstance(order, ValidationFailed):
        return order
    return await checkout(context.services, viewer, order, PackageOffer(data.sku))


@dataclass(frozen=True, slots=True)
class PackageOffer:
    package_sku: str

    async def price(
        self, session: AsyncSession, viewer: Viewer, now: datetime
    ) -> Quote | Unavailable:
        stocked = await packages.get(session, self.package_sku)
        if stocked is None:
            return ProductNotFound.new(self.package_sku)
        problem = shop.package_problem(stocked.package, now)
        if problem is not None:
            return NotAvailable.new(problem, stocked.package)
        return shop.package_quote(stocked.package)

    async def hold(
        self, session: AsyncSession, viewer: Viewer, now: datetime
    ) -> Unavailable | None:
        """The player's allowance (checkout holds their row: their purchases open one at a
        time), then a unit of stock."""
        stocked = await packages.get(session, self.package_sku)
        assert stocked is not None, "priced a moment ago, in this transaction"
        held = await packages.bought_by(session, viewer.id, [self.package_sku])
        if not shop.allowance_left(stocked.package, held.get(self.package_sku, 0)):
            return PurchaseLimitReached.new(stocked.package.per_user_limit)
        if not await packages.reserve(session, self.package_sku, now):
            problem = shop.package_problem(stocked.package, now)
            return (
                SoldOut.new(self.package_sku)
                if problem is None
                else NotAvailable.new(problem, stocked.package)
            )
        return None
