"""Limited packages (SPEC §7.3) on both backends: a unit of stock is held from the moment
a purchase opens and leaves the hold once — sold, or released when the payment fails or
the reservation expires — so stock holds under any concurrency."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update
from starlette.applications import Starlette

from casino_club.clock import FrozenClock
from casino_club.domain.shop import Currency, LimitedPackage
from casino_club.persistence import packages
from casino_club.persistence.models import LimitedPackage as PackageRow
from casino_club.persistence.models import Purchase as PurchaseRow
from casino_club.resolvers.payment_settlement import sweep_stale
from tests.integration.shop.support import gold_of, services_of
from tests.support import Api, books_balance, error_codes

START_GOLD = 1_000
BUY = """mutation B($input: BuyLimitedPackageInput!) { buyLimitedPackage(input: $input) {
  __typename
  ... on PurchaseSucceeded { replayed receipt { transactionId sku gold amountCents } }
  ... on PurchasePending { transactionId }
  ... on PaymentDeclined { reason transactionId }
  ... on NotAvailable { problem startsAt endsAt }
  ... on PurchaseLimitReached { limit }
  ... on SoldOut { sku }
  ... on UserError { code message } } }"""
LISTED = """{ limitedPackages { sku name priceCents currency gold items { itemId quantity }
  startsAt endsAt totalStock remainingStock perUserLimit remainingForMe } }"""
INVENTORY = "{ me { inventory(first: 20) { edges { node { itemId quantity } } } } }"


async def add_package(
    app: Starlette, clock: FrozenClock, *, stock: int = 10, per_user: int = 1, **changes: Any
) -> str:
    sku = f"pkg_{uuid.uuid4().hex[:10]}"
    values: dict[str, Any] = {
        "sku": sku,
        "name": "Harvest bundle",
        "description": "Gold and tickets",
        "price_cents": 999,
        "currency": Currency.USD,
        "gold": 12_000,
        "items": (("gacha-ticket", 2), ("streak-protection", 1)),
        "starts_at": clock.now() - timedelta(hours=1),
        "ends_at": clock.now() + timedelta(days=1),
        "total_stock": stock,
        "per_user_limit": per_user,
        **changes,
    }
    async with services_of(app).unit_of_work() as uow:
        await packages.add(uow.session, LimitedPackage(**values))
        await uow.commit()
    return sku


async def buy(api: Api, token: str, sku: str, card: str = "tok_ok", key: str | None = None) -> Any:
    variables = {
        "input": {"sku": sku, "paymentToken": card, "idempotencyKey": key or uuid.uuid4().hex}
    }
    return (await api.data(BUY, variables, token=token))["buyLimitedPackage"]


async def player(api: Api) -> str:
    token: str = (await api.new_player())["accessToken"]
    return token


async def stock_of(app: Starlette, sku: str) -> tuple[int, int, int, int]:
    """(sold, reserved, SUCCEEDED purchases, PENDING purchases): the counters and the
    purchases they count must agree."""
    async with services_of(app).sessionmaker() as session:
        row = await session.get(PackageRow, sku, populate_existing=True)
        assert row is not None
        counts = dict(
            (
                await session.execute(
                    select(PurchaseRow.status, func.count())
                    .where(PurchaseRow.package_sku == sku)
                    .group_by(PurchaseRow.status)
                )
            ).all()
        )
    return row.sold, row.reserved, counts.get("SUCCEEDED", 0), counts.get("PENDING", 0)


async def listed(api: Api, sku: str, token: str | None = None) -> dict[str, Any] | None:
    found = [p for p in (await api.data(LISTED, token=token))["limitedPackages"] if p["sku"] == sku]
    return found[0] if found else None


async def test_a_purchase_grants_gold_and_items_and_sells_a_unit(
    api: Api, app: Starlette, clock: FrozenClock
) -> None:
    sku = await add_package(app, clock, stock=5, per_user=2)
    token = await player(api)
    result = await buy(api, token, sku)
    assert result["__typename"] == "PurchaseSucceeded", result
    assert (result["receipt"]["sku"], result["receipt"]["gold"]) == (sku, 12_000)
    assert await gold_of(api, token) == START_GOLD + 12_000
    held = {
        e["node"]["itemId"]: e["node"]["quantity"]
        for e in (await api.data(INVENTORY, token=token))["me"]["inventory"]["edges"]
    }
    assert held == {"gacha-ticket": 2, "streak-protection": 1}
    assert await stock_of(app, sku) == (1, 0, 1, 0)
    mine = await listed(api, sku, token)
    assert mine is not None
    assert (mine["remainingStock"], mine["remainingForMe"], mine["perUserLimit"]) == (4, 1, 2)
    assert mine["items"] == [
        {"itemId": "gacha-ticket", "quantity": 2},
        {"itemId": "streak-protection", "quantity": 1},
    ]
    anonymous = await listed(api, sku)
    assert anonymous is not None
    assert (anonymous["remainingStock"], anonymous["remainingForMe"]) == (4, None)
    await books_balance(app)


async def test_a_hundred_buyers_at_once_buy_exactly_the_ten_in_stock(
    api: Api, app: Starlette, clock: FrozenClock
) -> None:
    sku = await add_package(app, clock, stock=10)
    tokens = await asyncio.gather(*(player(api) for _ in range(100)))
    results = await asyncio.gather(*(buy(api, token, sku) for token in tokens))
    assert Counter(r["__typename"] for r in results) == {"PurchaseSucceeded": 10, "SoldOut": 90}
    assert await stock_of(app, sku) == (10, 0, 10, 0)
    winners = [t for t, r in zip(tokens, results, strict=True) if r["__typename"] != "SoldOut"]
    assert [await gold_of(api, t) for t in winners] == [START_GOLD + 12_000] * 10
    listing = await listed(api, sku)
    assert listing is not None and listing["remainingStock"] == 0
    await books_balance(app)


async def test_a_failed_payment_releases_its_unit(
    api: Api, app: Starlette, clock: FrozenClock
) -> None:
    sku = await add_package(app, clock, stock=1)
    first, second = await player(api), await player(api)
    declined = await buy(api, first, sku, card="tok_declined")
    assert declined["__typename"] == "PaymentDeclined"
    failed_capture = await buy(api, first, sku, card="tok_capture_fail")
    assert failed_capture["reason"] == "CAPTURE_FAILED"
    assert await stock_of(app, sku) == (0, 0, 0, 0)
    assert (await buy(api, second, sku))["__typename"] == "PurchaseSucceeded"
    assert (await buy(api, first, sku))["__typename"] == "SoldOut"


async def test_an_abandoned_reservation_expires_after_two_minutes(
    api: Api, app: Starlette, clock: FrozenClock
) -> None:
    sku = await add_package(app, clock, stock=1)
    holder, other = await player(api), await player(api)
    pending = await buy(api, holder, sku, card="tok_pending", key="hold")
    assert pending["__typename"] == "PurchasePending"
    assert await stock_of(app, sku) == (0, 1, 0, 1)
    assert (await buy(api, other, sku))["__typename"] == "SoldOut"
    services = services_of(app)
    clock.advance(timedelta(seconds=119))
    await sweep_stale(services)  # not yet
    assert await stock_of(app, sku) == (0, 1, 0, 1)
    clock.advance(timedelta(seconds=2))
    await sweep_stale(services)  # one poll: still pending → released
    assert await stock_of(app, sku) == (0, 0, 0, 0)
    replay = await buy(api, holder, sku, card="tok_pending", key="hold")
    assert (replay["__typename"], replay["reason"]) == ("PaymentDeclined", "RESERVATION_EXPIRED")
    assert (await buy(api, other, sku))["__typename"] == "PurchaseSucceeded"
    assert await gold_of(api, holder) == START_GOLD


async def test_a_pending_purchase_settled_in_time_sells_its_unit(
    api: Api, app: Starlette, clock: FrozenClock
) -> None:
    sku = await add_package(app, clock, stock=1)
    token = await player(api)
    await buy(api, token, sku, card="tok_pending", key="p")
    await buy(api, token, sku, card="tok_pending", key="p")  # 1st poll: pending
    settled = await buy(api, token, sku, card="tok_pending", key="p")  # 2nd: captured
    assert settled["__typename"] == "PurchaseSucceeded"
    assert await stock_of(app, sku) == (1, 0, 1, 0)


async def test_the_per_player_limit_holds_even_for_simultaneous_requests(
    api: Api, app: Starlette, clock: FrozenClock
) -> None:
    sku = await add_package(app, clock, stock=50, per_user=2)
    token = await player(api)
    results = await asyncio.gather(*(buy(api, token, sku) for _ in range(10)))
    assert Counter(r["__typename"] for r in results) == {
        "PurchaseSucceeded": 2,
        "PurchaseLimitReached": 8,
    }
    assert {r["limit"] for r in results if r["__typename"] == "PurchaseLimitReached"} == {2}
    assert await gold_of(api, token) == START_GOLD + 24_000
    mine = await listed(api, sku, token)
    assert mine is not None and mine["remainingForMe"] == 0
    # A pending purchase counts against the limit too, until it settles.
    other = await add_package(app, clock, stock=5, per_user=1)
    await buy(api, token, other, card="tok_pending")
    assert (await buy(api, token, other))["__typename"] == "PurchaseLimitReached"


@pytest.mark.parametrize(
    ("window", "problem"),
    [((1, 2), "NOT_STARTED"), ((-2, -1), "ENDED"), ((-1, 1), "DISABLED")],
)
async def test_outside_its_window_or_switched_off_a_package_is_not_available(
    api: Api, app: Starlette, clock: FrozenClock, window: tuple[int, int], problem: str
) -> None:
    start, end = (clock.now() + timedelta(hours=h) for h in window)
    sku = await add_package(app, clock, starts_at=start, ends_at=end, active=problem != "DISABLED")
    token = await player(api)
    result = await buy(api, token, sku)
    assert (result["__typename"], result["problem"]) == ("NotAvailable", problem)
    assert await stock_of(app, sku) == (0, 0, 0, 0)
    shown = await listed(api, sku)
    assert (shown is not None) == (problem == "NOT_STARTED")  # upcoming ones are listed


async def test_the_kill_switch_stops_sales_but_not_a_purchase_already_paying(
    api: Api, app: Starlette, clock: FrozenClock
) -> None:
    sku = await add_package(app, clock, stock=3)
    token, other = await player(api), await player(api)
    await buy(api, token, sku, card="tok_pending", key="p")
    async with services_of(app).unit_of_work() as uow:
        await uow.session.execute(
            update(PackageRow).where(PackageRow.sku == sku).values(active=False)
        )
        await uow.commit()
    assert (await buy(api, other, sku))["problem"] == "DISABLED"
    await buy(api, token, sku, card="tok_pending", key="p")
    assert (await buy(api, token, sku, card="tok_pending", key="p"))["__typename"] == (
        "PurchaseSucceeded"
    )
    assert await stock_of(app, sku) == (1, 0, 1, 0)


async def test_an_unknown_package_is_not_found(api: Api) -> None:
    token = await player(api)
    assert (await buy(api, token, "no_such_package"))["__typename"] == "ProductNotFound"


async def test_listing_with_a_bad_token_is_unauthenticated_not_anonymous(api: Api) -> None:
    for token in ("not.a.jwt", "eyJhbGciOiJIUzI1NiJ9.e30.AAAA"):
        body = await api.execute(LISTED, token=token)
        assert body["data"] is None and error_codes(body) == ["UNAUTHENTICATED"]
