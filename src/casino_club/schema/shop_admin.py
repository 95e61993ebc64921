"""Operator types for the shop (SPEC §7, §11): products, limited packages and promo
codes as stored, and saving them. A save creates or edits; every field but the key may
be left out when editing (it keeps its value), and all are needed to create."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry import relay

from casino_club.domain import promos, shop, shop_admin
from casino_club.schema.edits import sent
from casino_club.schema.enums import RankEnum
from casino_club.schema.errors import ValidationFailed
from casino_club.schema.identity import KeyedByCode, KeyedBySku
from casino_club.schema.outcomes import presents
from casino_club.schema.purchases import PackageTerms
from casino_club.schema.scalars import Gold
from casino_club.schema.shop import CurrencyEnum

PromoKindEnum = strawberry.enum(promos.PromoKind, name="PromoKind")


@presents(shop.Product)
@strawberry.type(description="A product as stored: list price, discount and switch.")
class AdminProduct(KeyedBySku, relay.Node):
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


@presents(shop_admin.ProductSaved)
@strawberry.type
class ProductSaved:
    product: AdminProduct
    created: bool


SaveProductResult = Annotated[
    ProductSaved | ValidationFailed, strawberry.union("SaveProductResult")
]


@presents(shop_admin.AdminLimitedPackage, described=True)
@strawberry.type
class AdminLimitedPackage(KeyedBySku, PackageTerms, relay.Node):
    sold: int
    reserved: int = strawberry.field(description="Held by purchases still paying.")
    per_user_limit: int
    active: bool = strawberry.field(description="The kill switch: false stops new sales.")


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


def package_changes(data: SaveLimitedPackageInput) -> dict[str, Any]:
    """The fields sent, as the domain holds them (items as (item id, quantity) pairs)."""
    changes = sent(data)
    if changes.get("items") is not None:
        changes["items"] = tuple((item.item_id, item.quantity) for item in changes["items"])
    return changes


@presents(shop_admin.LimitedPackageSaved)
@strawberry.type
class LimitedPackageSaved:
    package: AdminLimitedPackage
    created: bool


SaveLimitedPackageResult = Annotated[
    LimitedPackageSaved | ValidationFailed, strawberry.union("SaveLimitedPackageResult")
]


@presents(shop_admin.AdminPromoCode, described=True)
@strawberry.type
class AdminPromoCode(KeyedByCode, relay.Node):
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


@presents(shop_admin.PromoCodeSaved)
@strawberry.type
class PromoCodeSaved:
    promo_code: AdminPromoCode
    created: bool


SavePromoCodeResult = Annotated[
    PromoCodeSaved | ValidationFailed, strawberry.union("SavePromoCodeResult")
]
