"""Shop types (SPEC §7): the catalog as a player sees it."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from casino_club.domain import shop
from casino_club.domain.listings import ProductListing
from casino_club.schema.enums import RankEnum
from casino_club.schema.identity import KeyedBySku
from casino_club.schema.outcomes import presents
from casino_club.schema.scalars import Gold

CurrencyEnum = strawberry.enum(shop.Currency, name="Currency")


@presents(ProductListing)
@strawberry.type(description="A product on sale; prices in the currency's minor unit (cents).")
class Product(KeyedBySku, relay.Node):
    sku: str
    name: str
    description: str
    currency: CurrencyEnum  # type: ignore[valid-type]
    list_price_cents: int = strawberry.field(description="Before any discount.")
    price_cents: int = strawberry.field(description="What one unit costs now.")
    discount_percent: int = strawberry.field(description="In force now; 0 when none.")
    discount_ends_at: datetime | None = strawberry.field(
        description="When the discount in force ends; null when none, or open-ended."
    )
    gold: Gold
    bonus_gold: Gold
    min_rank: RankEnum = strawberry.field(  # type: ignore[valid-type]
        description="The lowest rank that may buy it."
    )
