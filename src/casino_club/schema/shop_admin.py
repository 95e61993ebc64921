"""Operator types for the shop (SPEC §7, §11): products, limited packages and promo
codes as stored, and saving them. A save creates or edits; every field but the key may
be left out when editing (it keeps its value), and all are needed to create."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry import relay

from casino_club.domain import promos, shop, shop_admin
from casino_club.schema.edits import editable, sent
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
    name: str | None = editable("Its display name.")
    description: str | None = editable("Its display text.")
    price_cents: int | None = editable("The list price, in the minor unit of `currency`.")
    currency: CurrencyEnum | None = editable(  # type: ignore[valid-type]
        "The currency of the price."
    )
    gold: Gold | None = editable("Gold granted per unit.")
    bonus_gold: Gold | None = editable("Extra gold per unit.")
    discount_percent: int | None = editable("Percent off the list price, 0–100; 0 for none.")
    discount_ends_at: datetime | None = editable(
        "When the discount ends (exclusive); null: until removed."
    )
    min_rank: RankEnum | None = editable(  # type: ignore[valid-type]
        "The lowest rank that may buy it."
    )
    active: bool | None = editable("False hides it from the catalog and stops sales.")
    sort_order: int | None = editable("Its place in the catalog, ascending.")


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
    name: str | None = editable("Its display name.")
    description: str | None = editable("Its display text.")
    price_cents: int | None = editable("What one costs, in the minor unit of `currency`.")
    currency: CurrencyEnum | None = editable(  # type: ignore[valid-type]
        "The currency of the price."
    )
    gold: Gold | None = editable("Gold it grants.")
    items: list[PackageItemInput] | None = editable("Items it grants besides gold.")
    starts_at: datetime | None = editable("When sales open.")
    ends_at: datetime | None = editable("When sales close (exclusive).")
    total_stock: int | None = editable("Units on sale in all; never below those sold.")
    per_user_limit: int | None = editable("Units one player may buy.")
    active: bool | None = editable("The kill switch: false stops new sales.")


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
    kind: PromoKindEnum | None = editable(  # type: ignore[valid-type]
        "PERCENT or FIXED."
    )
    amount: int | None = editable("Percent off (1–100), or minor units of `currency` off.")
    currency: CurrencyEnum | None = editable(  # type: ignore[valid-type]
        "FIXED: the currency of `amount`."
    )
    starts_at: datetime | None = editable("When it starts to apply.")
    ends_at: datetime | None = editable("When it stops (exclusive).")
    max_uses: int | None = editable("Uses in all; null: unlimited.")
    per_user_limit: int | None = editable("Uses per player.")
    applies_to: list[str] | None = editable(
        "The skus it applies to; empty: every product and package."
    )
    active: bool | None = editable("False stops it applying.")


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
