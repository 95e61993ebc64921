"""The shop as operators see and save it (SPEC §7, §11): limited packages and promo codes
as stored with their counts, and what a save answers. A product as stored is
`shop.Product` itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from casino_club.domain.listings import PackageTerms, package_terms
from casino_club.domain.promos import PromoCode, PromoKind
from casino_club.domain.refusals import ValidationFailed
from casino_club.domain.shop import Currency, LimitedPackage, Product


@dataclass(frozen=True, slots=True)
class AdminLimitedPackage(PackageTerms):
    """A limited package as stored, with its stock counts."""

    sold: int
    reserved: int  # held by purchases still paying
    active: bool  # the kill switch: false stops new sales

    @classmethod
    def of(cls, package: LimitedPackage, sold: int, reserved: int) -> AdminLimitedPackage:
        return cls(**package_terms(package), sold=sold, reserved=reserved, active=package.active)


@dataclass(frozen=True, slots=True)
class AdminPromoCode:
    """A promo code as stored, with the uses taken."""

    code: str
    kind: PromoKind
    amount: int  # percent, or minor units of `currency`
    currency: Currency | None
    starts_at: datetime
    ends_at: datetime
    max_uses: int | None
    uses: int
    per_user_limit: int
    applies_to: tuple[str, ...]  # skus, sorted; empty: everything
    active: bool

    @classmethod
    def of(cls, promo: PromoCode, uses: int) -> AdminPromoCode:
        return cls(
            code=promo.code,
            kind=promo.kind,
            amount=promo.amount,
            currency=promo.currency,
            starts_at=promo.starts_at,
            ends_at=promo.ends_at,
            max_uses=promo.max_uses,
            uses=uses,
            per_user_limit=promo.per_user_limit,
            applies_to=tuple(sorted(promo.applies_to)),
            active=promo.active,
        )


@dataclass(frozen=True, slots=True)
class ProductSaved:
    product: Product
    created: bool


@dataclass(frozen=True, slots=True)
class LimitedPackageSaved:
    package: AdminLimitedPackage
    created: bool


@dataclass(frozen=True, slots=True)
class PromoCodeSaved:
    promo_code: AdminPromoCode
    created: bool


# What each save answers (its GraphQL `…Result` union).
SaveProductOutcome = ProductSaved | ValidationFailed
SaveLimitedPackageOutcome = LimitedPackageSaved | ValidationFailed
SavePromoCodeOutcome = PromoCodeSaved | ValidationFailed
