"""Ranks rise with lifetime spend (SPEC §5.2): PREMIUM at $50.00, VIP at $200.00, never
lowered; the new rank applies from the player's next request."""

from __future__ import annotations

from sqlalchemy import update
from starlette.applications import Starlette

from casino_club.persistence.models import User
from tests.integration.shop.support import buy, services_of
from tests.support import Api, row_id

ME = "{ me { id rank } }"


async def rank_of(api: Api, token: str) -> str:
    rank: str = (await api.data(ME, token=token))["me"]["rank"]
    return rank


async def test_spend_upgrades_to_premium_then_vip_and_opens_vip_products(api: Api) -> None:
    token: str = (await api.new_player())["accessToken"]
    assert (await buy(api, token, sku="premium"))["__typename"] == "PurchaseSucceeded"
    assert await rank_of(api, token) == "STANDARD"  # $49.99: one cent short
    assert (await buy(api, token, card="tok_declined"))["__typename"] == "PaymentDeclined"
    assert await rank_of(api, token) == "STANDARD"  # a failed payment is not spend
    await buy(api, token, sku="starter")
    assert await rank_of(api, token) == "PREMIUM"  # $54.98
    assert (await buy(api, token, sku="whale"))["__typename"] == "RankRequired"
    await buy(api, token, sku="premium", quantity=3)
    assert await rank_of(api, token) == "VIP"  # $204.95
    assert (await buy(api, token, sku="whale"))["__typename"] == "PurchaseSucceeded"


async def test_a_rank_set_higher_is_never_lowered_by_spend(api: Api, app: Starlette) -> None:
    player = await api.new_player()
    token = player["accessToken"]
    async with services_of(app).unit_of_work() as uow:
        await uow.session.execute(
            update(User).where(User.id == row_id(player["user"]["id"])).values(rank="VIP")
        )
        await uow.commit()
    await buy(api, token, sku="premium")
    await buy(api, token, sku="starter")  # earns PREMIUM, below what they hold
    assert await rank_of(api, token) == "VIP"
