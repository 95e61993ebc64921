"""Shop types (SPEC §7): the catalog as a player sees it."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from casino_club.domain import shop
from casino_club.domain.listings import ProductListing
from casino_club.schema.enums import RankEnum, graphql_enum
from casino_club.schema.identity import KeyedBySku
from casino_club.schema.outcomes import presents
from casino_club.schema.scalars import Gold

CurrencyEnum = graphql_enum(
    shop.Currency,
    "Currency",
    "A currency prices are in; amounts are integers in its minor unit.",
    {
        shop.Currency.USD: "US dollars, in cents.",
        shop.Currency.KRW: "Korean won, in won (KRW has no minor unit).",
        shop.Currency.EUR: "Euros, in cents.",
    },
)


@presents(ProductListing)
@strawberry.type(description="A product on sale; prices in the currency's minor unit (cents).")
class Product(KeyedBySku, relay.Node):
    sku: str = strawberry.field(description="The product's stable key, to buy it with.")
    name: str = strawberry.field(description="Its display name.")
    description: str = strawberry.field(description="Its display text.")
    currency: CurrencyEnum = strawberry.field(  # type: ignore[valid-type]
        description="The currency of its prices."
    )
    list_price_cents: int = strawberry.field(description="Before any discount.")
    price_cents: int = strawberry.field(description="What one unit costs now.")
    discount_percent: int = strawberry.field(description="In force now; 0 when none.")
    discount_ends_at: datetime | None = strawberry.field(
        description="When the discount in force ends; null when none, or open-ended."
    )
    gold: Gold = strawberry.field(description="Gold it grants per unit.")
    bonus_gold: Gold = strawberry.field(description="Extra gold per unit, on top of `gold`.")
    min_rank: RankEnum = strawberry.field(  # type: ignore[valid-type]
        description="The lowest rank that may buy it."
    )
