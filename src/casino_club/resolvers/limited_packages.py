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
from casino_club.domain.listings import PackageListing
from casino_club.domain.purchases import (
    BuyLimitedPackageOutcome,
    NotAvailable,
    PackageUnavailable,
    ProductNotFound,
    PurchaseLimitReached,
    SoldOut,
)
from casino_club.domain.refusals import ValidationFailed
from casino_club.domain.shop import Quote
from casino_club.persistence import packages
from casino_club.resolvers.checkout import checkout, order_of
from casino_club.services import Services

MAX_SKU_LENGTH = 64


async def listed(services: Services, viewer: Viewer | None) -> list[PackageListing]:
    now = services.clock.now()
    async with services.sessionmaker() as session:
        on_sale = await packages.listed(session, now)
        mine = (
            await packages.bought_by(session, viewer.id, [s.package.sku for s in on_sale])
            if viewer is not None
            else None
        )
    return [
        PackageListing.of(
            s.package, s.remaining, None if mine is None else mine.get(s.package.sku, 0)
        )
        for s in on_sale
    ]


async def buy(
    context: Context,
    viewer: Viewer,
    *,
    sku: str,
    payment_token: str,
    promo_code: str | None,
    key: str,
) -> BuyLimitedPackageOutcome:
    problems = []
    if not 1 <= len(sku) <= MAX_SKU_LENGTH:
        problems.append(
            FieldProblem("sku", "INVALID_SKU", f"must be 1-{MAX_SKU_LENGTH} characters")
        )
    order = order_of(
        context,
        viewer,
        operation="buyLimitedPackage",
        key=key,
        payment_token=payment_token,
        promo_code=promo_code,
        parameters={"sku": sku},
        problems=problems,
    )
    if isinstance(order, ValidationFailed):
        return order
    return await checkout(context.services, viewer, order, PackageOffer(sku))


@dataclass(frozen=True, slots=True)
class PackageOffer:
    package_sku: str

    async def price(
        self, session: AsyncSession, viewer: Viewer, now: datetime
    ) -> Quote | PackageUnavailable:
        stocked = await packages.get(session, self.package_sku)
        if stocked is None:
            return ProductNotFound(self.package_sku)
        problem = shop.package_problem(stocked.package, now)
        if problem is not None:
            return NotAvailable.of(problem, stocked.package)
        return shop.package_quote(stocked.package)

    async def hold(
        self, session: AsyncSession, viewer: Viewer, now: datetime
    ) -> PackageUnavailable | None:
        """The player's allowance (checkout holds their row: their purchases open one at a
        time), then a unit of stock."""
        stocked = await packages.get(session, self.package_sku)
        assert stocked is not None, "priced a moment ago, in this transaction"
        held = await packages.bought_by(session, viewer.id, [self.package_sku])
        if not shop.allowance_left(stocked.package, held.get(self.package_sku, 0)):
            return PurchaseLimitReached(stocked.package.per_user_limit)
        if not await packages.reserve(session, self.package_sku, now):
            problem = shop.package_problem(stocked.package, now)
            return (
                SoldOut(self.package_sku)
                if problem is None
                else NotAvailable.of(problem, stocked.package)
            )
        return None
