"""What every shop test shares: the seeded catalog, restored after each test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import delete
from starlette.applications import Starlette

from casino_club.domain.shop import STARTER_CATALOG
from casino_club.persistence import products
from casino_club.persistence.models import Product
from tests.integration.shop.support import provider_agrees, services_of
from tests.support import books_balance


@pytest.fixture(autouse=True)
async def seeded_products(app: Starlette) -> AsyncIterator[None]:
    """The database lives for the test session: each shop test starts from the seeded
    products and leaves them so (its edits undone), with every wallet matching its
    ledger and every purchase agreeing with its payment at the provider."""
    yield
    await provider_agrees(app)
    async with services_of(app).unit_of_work() as uow:
        await uow.session.execute(delete(Product))
        await products.add_missing(uow.session, STARTER_CATALOG)
        await uow.commit()
    await books_balance(app)
