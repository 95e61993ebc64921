"""Operator types for the shop (SPEC §7, §11): products, limited packages and promo
codes as stored, and saving them. A save creates or edits; every field but the key may
be left out when editing (it keeps its value), and all are needed to create."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from casino_club.domain import promos, shop
from casino_club.domain.accounts import Rank
from casino_club.schema.enums import RankEnum
from casino_club.schema.errors import ValidationFailed
from casino_club.schema.purchases import PackageItem
from casino_club.schema.scalars import Gold
from casino_club.schema.shop import CurrencyEnum

PromoKindEnum = strawberry.enum(promos.PromoKind, name="PromoKind")


@strawberry.type(description="A product as stored: list price, discount and switch.")
class AdminProduct:
    sku: str
    name: str
    description: str
    price_cents: int
    currency: CurrencyEnum  # type: ignore[valid-type]
    gold: Gold
    bonus_gold: Gold
    discount_percent: int
    discount_ends_at: datetime | None
    min_rank: RankEnum  # type: ignore[valid-type]
    active: bool
    sort_order: int

    @classmethod
    def of(cls, product: shop.Product) -> AdminProduct:
        return cls(
            sku=product.sku,
            name=product.name,
            description=product.description,
            price_cents=product.price_cents,
            currency=product.currency,
            gold=Gold(product.gold),
            bonus_gold=Gold(product.bonus_gold),
            discount_percent=product.discount_percent,
            discount_ends_at=product.discount_ends_at,
            min_rank=Rank(product.min_rank),
            active=product.active,
            sort_order=product.sort_order,
        )


@strawberry.input
class SaveProductInput:
    sku: str
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    price_cents: int | None = strawberry.UNSET
    currency: CurrencyEnum | None = strawberry.UNSET  # type: ignore[valid-type]
    gold: Gold | None = strawberry.UNSET
    bonus_gold: Gold | None = strawberry.UNSET
    discount_percent: int | None = strawberry.UNSET
    discount_ends_at: datetime | None = strawberry.UNSET
    min_rank: RankEnum | None = strawberry.UNSET  # type: ignore[valid-type]
    active: bool | None = strawberry.UNSET
    sort_order: int | None = strawberry.UNSET


@strawberry.type
class ProductSaved:
    product: AdminProduct
    created: bool


SaveProductResult = Annotated[
    ProductSaved | ValidationFailed, strawberry.union("SaveProductResult")
]


@strawberry.type(description="A limited package as stored, with its stock counts.")
class AdminLimitedPackage:
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
    sold: int
    reserved: int = strawberry.field(description="Held by purchases still paying.")
    per_user_limit: int
    active: bool = strawberry.field(description="The kill switch: false stops new sales.")

    @classmethod
    def of(cls, package: shop.LimitedPackage, sold: int, reserved: int) -> AdminLimitedPackage:
        return cls(
            sku=package.sku,
            name=package.name,
            description=package.description,
            price_cents=package.price_cents,
            currency=package.currency,
            gold=Gold(package.gold),
            items=[PackageItem(item_id=item, quantity=n) for item, n in package.items],
            starts_at=package.starts_at,
            ends_at=package.ends_at,
            total_stock=package.total_stock,
            sold=sold,
            reserved=reserved,
            per_user_limit=package.per_user_limit,
            active=package.active,
        )


@strawberry.input
class PackageItemInput:
    item_id: str
    quantity: int


@strawberry.input
class SaveLimitedPackageInput:
    sku: str
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    price_cents: int | None = strawberry.UNSET
    currency: CurrencyEnum | None = strawberry.UNSET  # type: ignore[valid-type]
    gold: Gold | None = strawberry.UNSET
    items: list[PackageItemInput] | None = strawberry.UNSET
    starts_at: datetime | None = strawberry.UNSET
    ends_at: datetime | None = strawberry.UNSET
    total_stock: int | None = strawberry.UNSET
    per_user_limit: int | None = strawberry.UNSET
    active: bool | None = strawberry.UNSET


@strawberry.type
class LimitedPackageSaved:
    package: AdminLimitedPackage
    created: bool


SaveLimitedPackageResult = Annotated[
    LimitedPackageSaved | ValidationFailed, strawberry.union("SaveLimitedPackageResult")
]


@strawberry.type(description="A promo code as stored, with the uses taken.")
class AdminPromoCode:
    code: str
    kind: PromoKindEnum  # type: ignore[valid-type]
    amount: int = strawberry.field(description="Percent, or minor units of `currency`.")
    currency: CurrencyEnum | None  # type: ignore[valid-type]
    starts_at: datetime
    ends_at: datetime
    max_uses: int | None
    uses: int
    per_user_limit: int
    applies_to: list[str] = strawberry.field(description="Skus; empty: everything.")
    active: bool

    @classmethod
    def of(cls, promo: promos.PromoCode, uses: int) -> AdminPromoCode:
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
            applies_to=sorted(promo.applies_to),
            active=promo.active,
        )


@strawberry.input
class SavePromoCodeInput:
    code: str
    kind: PromoKindEnum | None = strawberry.UNSET  # type: ignore[valid-type]
    amount: int | None = strawberry.UNSET
    currency: CurrencyEnum | None = strawberry.UNSET  # type: ignore[valid-type]
    starts_at: datetime | None = strawberry.UNSET
    ends_at: datetime | None = strawberry.UNSET
    max_uses: int | None = strawberry.UNSET
    per_user_limit: int | None = strawberry.UNSET
    applies_to: list[str] | None = strawberry.UNSET
    active: bool | None = strawberry.UNSET


@strawberry.type
class PromoCodeSaved:
    promo_code: AdminPromoCode
    created: bool


SavePromoCodeResult = Annotated[
    PromoCodeSaved | ValidationFailed, strawberry.union("SavePromoCodeResult")
]
