"""The shop (SPEC §7): the catalog, public, priced at the moment of asking."""

from __future__ import annotations

from casino_club.domain.listings import ProductListing
from casino_club.persistence import products
from casino_club.services import Services


async def catalog(services: Services) -> list[ProductListing]:
    async with services.sessionmaker() as session:
        on_sale = await products.active(session)
    now = services.clock.now()
    return [ProductListing.of(product, now) for product in on_sale]
