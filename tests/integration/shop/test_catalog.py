"""The public catalog (SPEC §7.1), from the database, priced at the time of asking."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from starlette.applications import Starlette

from casino_club.bootstrap import seed
from casino_club.clock import FrozenClock
from casino_club.persistence.models import Product
from casino_club.services import Services
from tests.support import Api

CATALOG = """{ catalog { sku currency listPriceCents priceCents discountPercent discountEndsAt
  gold bonusGold minRank } }"""


async def set_product(app: Starlette, sku: str, **values: object) -> None:
    services: Services = app.state.services
    async with services.unit_of_work() as uow:
        await uow.session.execute(update(Product).where(Product.sku == sku).values(**values))
        await uow.commit()


async def test_anyone_sees_the_seeded_products_in_order(api: Api) -> None:
    catalog = (await api.data(CATALOG))["catalog"]
    assert [
        (p["sku"], p["priceCents"], p["gold"] + p["bonusGold"], p["minRank"]) for p in catalog
    ] == [
        ("starter", 499, 5_000, "STANDARD"),
        ("value", 1_999, 22_000, "STANDARD"),
        ("premium", 4_999, 60_000, "STANDARD"),
        ("whale", 9_999, 130_000, "VIP"),
    ]
    assert all(p["currency"] == "USD" and p["discountPercent"] == 0 for p in catalog)
    assert all(p["listPriceCents"] == p["priceCents"] for p in catalog)


async def test_a_discount_prices_the_product_until_it_ends(
    app: Starlette, api: Api, clock: FrozenClock
) -> None:
    ends = clock.now() + timedelta(hours=2)
    await set_product(app, "value", discount_percent=25, discount_ends_at=ends)

    value = next(p for p in (await api.data(CATALOG))["catalog"] if p["sku"] == "value")
    assert (value["listPriceCents"], value["priceCents"], value["discountPercent"]) == (
        1_999,
        1_499,
        25,
    )
    assert value["discountEndsAt"] is not None

    clock.advance(timedelta(hours=2))
    value = next(p for p in (await api.data(CATALOG))["catalog"] if p["sku"] == "value")
    assert (value["priceCents"], value["discountPercent"], value["discountEndsAt"]) == (
        1_999,
        0,
        None,
    )


async def test_an_inactive_product_is_not_listed(app: Starlette, api: Api) -> None:
    await set_product(app, "premium", active=False)
    skus = [p["sku"] for p in (await api.data(CATALOG))["catalog"]]
    assert skus == ["starter", "value", "whale"]


async def test_seeding_again_keeps_an_operators_edit(app: Starlette, api: Api) -> None:
    await set_product(app, "starter", price_cents=599, name="Starter, repriced")
    await seed(app.state.services)
    starter = next(p for p in (await api.data(CATALOG))["catalog"] if p["sku"] == "starter")
    assert starter["listPriceCents"] == 599
