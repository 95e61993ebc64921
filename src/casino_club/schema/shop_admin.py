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
from casino_club.schema.enums import RankEnum, graphql_enum
from casino_club.schema.errors import ValidationFailed
from casino_club.schema.identity import KeyedByCode, KeyedBySku
from casino_club.schema.outcomes import presents
from casino_club.schema.purchases import PackageTerms
from casino_club.schema.scalars import Gold
from casino_club.schema.shop import CurrencyEnum

PromoKindEnum = graphql_enum(
    promos.PromoKind,
    "PromoKind",
    "How a promo code takes money off.",
    {
        promos.PromoKind.PERCENT: "A percentage off the price.",
        promos.PromoKind.FIXED: "A fixed amount off, in the minor unit of its currency.",
    },
)


@presents(shop.Product)
@strawberry.type(description="A product as stored: list price, discount and switch.")
class AdminProduct(KeyedBySku, relay.Node):
    sku: str = strawberry.field(description="The stable key.")
    name: str = strawberry.field(description="Its display name.")
    description: str = strawberry.field(description="Its display text.")
    price_cents: int = strawberry.field(
        description="The list price, in the minor unit of `currency`."
    )
    currency: CurrencyEnum = strawberry.field(  # type: ignore[valid-type]
        description="The currency of the price."
    )
    gold: Gold = strawberry.field(description="Gold granted per unit.")
    bonus_gold: Gold = strawberry.field(description="Extra gold per unit.")
    discount_percent: int = strawberry.field(
        description="Percent off the list price, 0–100; 0 for none."
    )
    discount_ends_at: datetime | None = strawberry.field(
        description="When the discount ends (exclusive); null: until removed."
    )
    min_rank: RankEnum = strawberry.field(  # type: ignore[valid-type]
        description="The lowest rank that may buy it."
    )
    active: bool = strawberry.field(description="False hides it from the catalog and stops sales.")
    sort_order: int = strawberry.field(description="Its place in the catalog, ascending.")


@strawberry.input(
    description="Create or edit a product (admin), by sku. A field left out when editing: "
    "unchanged. Needed to create."
)
class SaveProductInput:
    sku: str = strawberry.field(
        description="The stable key: the product to create, or the one to edit."
    )
    name: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="Its display name. Left out when editing: unchanged. Needed to create.",
    )
    description: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="Its display text. Left out when editing: unchanged. Needed to create.",
    )
    price_cents: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="The list price, in the minor unit of `currency`. "
        "Left out when editing: unchanged. Needed to create.",
    )
    currency: CurrencyEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=strawberry.UNSET,
        description="The currency of the price. Left out when editing: "
        "unchanged. Needed to create.",
    )
    gold: Gold | None = strawberry.field(
        default=strawberry.UNSET,
        description="Gold granted per unit. Left out when editing: unchanged. Needed to create.",
    )
    bonus_gold: Gold | None = strawberry.field(
        default=strawberry.UNSET,
        description="Extra gold per unit. Left out when editing: unchanged. Needed to create.",
    )
    discount_percent: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Percent off the list price, 0–100; 0 for none. "
        "Left out when editing: unchanged. Needed to create.",
    )
    discount_ends_at: datetime | None = strawberry.field(
        default=strawberry.UNSET,
        description="When the discount ends (exclusive); null: until "
        "removed. Left out when editing: unchanged. Needed to create.",
    )
    min_rank: RankEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=strawberry.UNSET,
        description="The lowest rank that may buy it. Left out when "
        "editing: unchanged. Needed to create.",
    )
    active: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="False hides it from the catalog and stops sales. "
        "Left out when editing: unchanged. Needed to create.",
    )
    sort_order: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Its place in the catalog, ascending. Left out when "
        "editing: unchanged. Needed to create.",
    )


@presents(shop_admin.ProductSaved)
@strawberry.type(description="The product as now stored.")
class ProductSaved:
    product: AdminProduct = strawberry.field(description="The product.")
    created: bool = strawberry.field(description="True when this save created it.")


SaveProductResult = Annotated[
    ProductSaved | ValidationFailed,
    strawberry.union(
        "SaveProductResult",
        description="saveProduct's answer.",
    ),
]


@presents(shop_admin.AdminLimitedPackage, described=True)
@strawberry.type
class AdminLimitedPackage(KeyedBySku, PackageTerms, relay.Node):
    sold: int = strawberry.field(description="Units sold.")
    reserved: int = strawberry.field(description="Held by purchases still paying.")
    per_user_limit: int = strawberry.field(description="Units one player may buy.")
    active: bool = strawberry.field(description="The kill switch: false stops new sales.")


@strawberry.input(description="An item a package grants.")
class PackageItemInput:
    item_id: str = strawberry.field(description="The item (e.g. a gacha ticket's id).")
    quantity: int = strawberry.field(description="How many, at least 1.")


@strawberry.input(
    description="Create or edit a limited package (admin), by sku. A field left out when editing: "
    "unchanged. Needed to create."
)
class SaveLimitedPackageInput:
    sku: str = strawberry.field(
        description="The stable key: the package to create, or the one to edit."
    )
    name: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="Its display name. Left out when editing: unchanged. Needed to create.",
    )
    description: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="Its display text. Left out when editing: unchanged. Needed to create.",
    )
    price_cents: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="What one costs, in the minor unit of `currency`. "
        "Left out when editing: unchanged. Needed to create.",
    )
    currency: CurrencyEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=strawberry.UNSET,
        description="The currency of the price. Left out when editing: "
        "unchanged. Needed to create.",
    )
    gold: Gold | None = strawberry.field(
        default=strawberry.UNSET,
        description="Gold it grants. Left out when editing: unchanged. Needed to create.",
    )
    items: list[PackageItemInput] | None = strawberry.field(
        default=strawberry.UNSET,
        description="Items it grants besides gold. Left out when "
        "editing: unchanged. Needed to create.",
    )
    starts_at: datetime | None = strawberry.field(
        default=strawberry.UNSET,
        description="When sales open. Left out when editing: unchanged. Needed to create.",
    )
    ends_at: datetime | None = strawberry.field(
        default=strawberry.UNSET,
        description="When sales close (exclusive). Left out when "
        "editing: unchanged. Needed to create.",
    )
    total_stock: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Units on sale in all; never below those sold. Left "
        "out when editing: unchanged. Needed to create.",
    )
    per_user_limit: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Units one player may buy. Left out when editing: unchanged. Needed to create.",
    )
    active: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="The kill switch: false stops new sales. Left out "
        "when editing: unchanged. Needed to create.",
    )


def package_changes(data: SaveLimitedPackageInput) -> dict[str, Any]:
    """The fields sent, as the domain holds them (items as (item id, quantity) pairs)."""
    changes = sent(data)
    if changes.get("items") is not None:
        changes["items"] = tuple((item.item_id, item.quantity) for item in changes["items"])
    return changes


@presents(shop_admin.LimitedPackageSaved)
@strawberry.type(description="The package as now stored.")
class LimitedPackageSaved:
    package: AdminLimitedPackage = strawberry.field(description="The package.")
    created: bool = strawberry.field(description="True when this save created it.")


SaveLimitedPackageResult = Annotated[
    LimitedPackageSaved | ValidationFailed,
    strawberry.union(
        "SaveLimitedPackageResult",
        description="saveLimitedPackage's answer.",
    ),
]


@presents(shop_admin.AdminPromoCode, described=True)
@strawberry.type
class AdminPromoCode(KeyedByCode, relay.Node):
    code: str = strawberry.field(description="The text a player enters.")
    kind: PromoKindEnum = strawberry.field(  # type: ignore[valid-type]
        description="A percentage or a fixed amount off."
    )
    amount: int = strawberry.field(description="Percent, or minor units of `currency`.")
    currency: CurrencyEnum | None = strawberry.field(  # type: ignore[valid-type]
        description="FIXED: the currency of `amount`; null for PERCENT."
    )
    starts_at: datetime = strawberry.field(description="When it starts to apply.")
    ends_at: datetime = strawberry.field(description="When it stops (exclusive).")
    max_uses: int | None = strawberry.field(description="Uses in all; null: unlimited.")
    uses: int = strawberry.field(description="Uses taken.")
    per_user_limit: int = strawberry.field(description="Uses per player.")
    applies_to: list[str] = strawberry.field(description="Skus; empty: everything.")
    active: bool = strawberry.field(description="False stops it applying.")


@strawberry.input(
    description="Create or edit a promo code (admin), by code. A field left out when editing: "
    "unchanged. Needed to create."
)
class SavePromoCodeInput:
    code: str = strawberry.field(
        description="The text a player enters: the code to create, or the one to edit."
    )
    kind: PromoKindEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=strawberry.UNSET,
        description="PERCENT or FIXED. Left out when editing: unchanged. Needed to create.",
    )
    amount: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Percent off (1–100), or minor units of `currency` "
        "off. Left out when editing: unchanged. Needed to create.",
    )
    currency: CurrencyEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=strawberry.UNSET,
        description="FIXED: the currency of `amount`. Left out when "
        "editing: unchanged. Needed to create.",
    )
    starts_at: datetime | None = strawberry.field(
        default=strawberry.UNSET,
        description="When it starts to apply. Left out when editing: unchanged. Needed to create.",
    )
    ends_at: datetime | None = strawberry.field(
        default=strawberry.UNSET,
        description="When it stops (exclusive). Left out when editing: "
        "unchanged. Needed to create.",
    )
    max_uses: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Uses in all; null: unlimited. Left out when "
        "editing: unchanged. Needed to create.",
    )
    per_user_limit: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Uses per player. Left out when editing: unchanged. Needed to create.",
    )
    applies_to: list[str] | None = strawberry.field(
        default=strawberry.UNSET,
        description="The skus it applies to; empty: every product and "
        "package. Left out when editing: unchanged. Needed to create.",
    )
    active: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="False stops it applying. Left out when editing: unchanged. Needed to create.",
    )


@presents(shop_admin.PromoCodeSaved)
@strawberry.type(description="The promo code as now stored.")
class PromoCodeSaved:
    promo_code: AdminPromoCode = strawberry.field(description="The promo code.")
    created: bool = strawberry.field(description="True when this save created it.")


SavePromoCodeResult = Annotated[
    PromoCodeSaved | ValidationFailed,
    strawberry.union(
        "SavePromoCodeResult",
        description="savePromoCode's answer.",
    ),
]
