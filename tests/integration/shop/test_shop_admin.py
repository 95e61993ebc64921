"""Operators manage the shop (SPEC §7, §11): products, limited packages and promo codes
created and edited through one save each, checked by the domain's rules, each change
audited once; players and anonymous callers are refused and change nothing."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import orjson
import pytest
from sqlalchemy import select
from starlette.applications import Starlette

from casino_club.clock import FrozenClock
from casino_club.persistence.models import AuditLog
from tests.integration.shop.support import buy, services_of
from tests.integration.shop.test_limited_packages import buy as buy_package
from tests.support import Api, error_codes

SAVE_PRODUCT = """mutation S($input: SaveProductInput!) { saveProduct(input: $input) {
  __typename
  ... on ProductSaved { created product { sku name priceCents currency gold bonusGold
    discountPercent discountEndsAt minRank active sortOrder } }
  ... on ValidationFailed { fields { field code } } } }"""
SAVE_PACKAGE = """mutation S($input: SaveLimitedPackageInput!) { saveLimitedPackage(input: $input) {
  __typename
  ... on LimitedPackageSaved { created package { sku totalStock sold reserved active
    items { itemId quantity } } }
  ... on ValidationFailed { fields { field code } } } }"""
SAVE_PROMO = """mutation S($input: SavePromoCodeInput!) { savePromoCode(input: $input) {
  __typename
  ... on PromoCodeSaved { created promoCode { code kind amount currency maxUses uses
    perUserLimit appliesTo active } }
  ... on ValidationFailed { fields { field code } } } }"""
CATALOG = "{ catalog { sku priceCents } }"


def sku() -> str:
    return f"s_{uuid.uuid4().hex[:10]}"


def product_input(**changes: Any) -> dict[str, Any]:
    return {
        "sku": sku(),
        "name": "Mega pack",
        "description": "Lots of gold",
        "priceCents": 2_999,
        "currency": "USD",
        "gold": 30_000,
        "bonusGold": 5_000,
        "discountPercent": 0,
        "minRank": "STANDARD",
        "active": True,
        "sortOrder": 9,
        **changes,
    }


def package_input(clock: FrozenClock, **changes: Any) -> dict[str, Any]:
    return {
        "sku": sku(),
        "name": "Weekend bundle",
        "description": "",
        "priceCents": 999,
        "currency": "USD",
        "gold": 10_000,
        "items": [{"itemId": "gacha-ticket", "quantity": 3}],
        "startsAt": (clock.now() - timedelta(hours=1)).isoformat(),
        "endsAt": (clock.now() + timedelta(days=2)).isoformat(),
        "totalStock": 5,
        "perUserLimit": 1,
        "active": True,
        **changes,
    }


def promo_input(clock: FrozenClock, **changes: Any) -> dict[str, Any]:
    return {
        "code": f"c{uuid.uuid4().hex[:8]}",
        "kind": "PERCENT",
        "amount": 10,
        "startsAt": (clock.now() - timedelta(hours=1)).isoformat(),
        "endsAt": (clock.now() + timedelta(days=2)).isoformat(),
        "maxUses": 100,
        "perUserLimit": 1,
        "appliesTo": [],
        "active": True,
        **changes,
    }


async def save(api: Api, token: str, mutation: str, values: dict[str, Any]) -> Any:
    data = await api.data(mutation, {"input": values}, token=token)
    return next(iter(data.values()))


async def audit_of(app: Starlette, target: str) -> list[tuple[str, Any, Any]]:
    async with services_of(app).sessionmaker() as session:
        rows = await session.scalars(
            select(AuditLog).where(AuditLog.target == target).order_by(AuditLog.id)
        )
        return [
            (
                row.action,
                None if row.before is None else orjson.loads(row.before),
                None if row.after is None else orjson.loads(row.after),
            )
            for row in rows
        ]


async def test_an_operator_creates_edits_and_switches_off_a_product(
    api: Api, app: Starlette, admin_token: str
) -> None:
    values = product_input()
    created = await save(api, admin_token, SAVE_PRODUCT, values)
    assert created["__typename"] == "ProductSaved" and created["created"] is True
    assert created["product"]["gold"] == 30_000
    listed = {p["sku"]: p["priceCents"] for p in (await api.data(CATALOG))["catalog"]}
    assert listed[values["sku"]] == 2_999
    edited = await save(api, admin_token, SAVE_PRODUCT, {"sku": values["sku"], "priceCents": 2_499})
    assert edited["created"] is False
    assert (edited["product"]["priceCents"], edited["product"]["name"]) == (2_499, "Mega pack")
    player = (await api.new_player())["accessToken"]
    bought = await buy(api, player, sku=values["sku"])
    assert bought["receipt"]["amountCents"] == 2_499
    await save(api, admin_token, SAVE_PRODUCT, {"sku": values["sku"], "active": False})
    assert values["sku"] not in {p["sku"] for p in (await api.data(CATALOG))["catalog"]}
    assert (await buy(api, player, sku=values["sku"]))["__typename"] == "ProductNotFound"
    trail = await audit_of(app, f"product:{values['sku']}")
    assert [action for action, _, _ in trail] == [
        "PRODUCT_CREATE",
        "PRODUCT_UPDATE",
        "PRODUCT_UPDATE",
    ]
    assert trail[0][1] is None and trail[0][2]["price_cents"] == 2_999
    assert (trail[1][1]["price_cents"], trail[1][2]["price_cents"]) == (2_999, 2_499)
    assert (trail[2][1]["active"], trail[2][2]["active"]) == (True, False)
    everything = await api.data("{ adminProducts { sku active } }", token=admin_token)
    assert {"sku": values["sku"], "active": False} in everything["adminProducts"]


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"priceCents": 0}, "input", "INVALID"),
        ({"discountPercent": 100}, "input", "INVALID"),
        ({"sku": "has|bar"}, "input", "INVALID"),
        ({"name": None}, "name", "REQUIRED"),
        ({"gold": -1}, "input", "INVALID"),
        ({"gold": 10**13}, "input", "INVALID"),
        ({"discountEndsAt": "2026-12-01T00:00:00"}, "discountEndsAt", "NAIVE_DATETIME"),
        ({"name": "n" * 121}, "input", "INVALID"),
    ],
)
async def test_an_invalid_product_is_refused_and_nothing_is_written(
    api: Api, app: Starlette, admin_token: str, changes: dict[str, Any], field: str, code: str
) -> None:
    values = product_input(**changes)
    refused = await save(api, admin_token, SAVE_PRODUCT, values)
    assert refused["__typename"] == "ValidationFailed"
    assert {"field": field, "code": code} in refused["fields"]
    assert await audit_of(app, f"product:{values['sku']}") == []


async def test_creating_needs_every_field(api: Api, admin_token: str) -> None:
    refused = await save(api, admin_token, SAVE_PRODUCT, {"sku": sku(), "name": "Half"})
    assert {f["field"] for f in refused["fields"]} == {
        "description",
        "priceCents",
        "currency",
        "gold",
        "bonusGold",
    }


async def test_an_operator_runs_a_limited_package_and_its_kill_switch(
    api: Api, app: Starlette, clock: FrozenClock, admin_token: str
) -> None:
    values = package_input(clock)
    created = await save(api, admin_token, SAVE_PACKAGE, values)
    assert created["package"] == {
        "sku": values["sku"],
        "totalStock": 5,
        "sold": 0,
        "reserved": 0,
        "active": True,
        "items": [{"itemId": "gacha-ticket", "quantity": 3}],
    }
    player = (await api.new_player())["accessToken"]
    assert (await buy_package(api, player, values["sku"]))["__typename"] == "PurchaseSucceeded"
    below = await save(api, admin_token, SAVE_PACKAGE, {"sku": values["sku"], "totalStock": 0})
    assert below["fields"] == [{"field": "totalStock", "code": "STOCK_BELOW_SOLD"}]
    killed = await save(api, admin_token, SAVE_PACKAGE, {"sku": values["sku"], "active": False})
    assert (killed["package"]["active"], killed["package"]["sold"]) == (False, 1)
    other = (await api.new_player())["accessToken"]
    refused = await buy_package(api, other, values["sku"])
    assert (refused["__typename"], refused["problem"]) == ("NotAvailable", "DISABLED")
    trail = await audit_of(app, f"package:{values['sku']}")
    assert [action for action, _, _ in trail] == [
        "LIMITED_PACKAGE_CREATE",
        "LIMITED_PACKAGE_UPDATE",
    ]


async def test_a_package_needs_known_items_and_its_own_sku(
    api: Api, clock: FrozenClock, admin_token: str
) -> None:
    unknown = await save(
        api,
        admin_token,
        SAVE_PACKAGE,
        package_input(clock, items=[{"itemId": "no-such-item", "quantity": 1}]),
    )
    assert unknown["fields"] == [{"field": "items", "code": "UNKNOWN_ITEM"}]
    taken = await save(api, admin_token, SAVE_PACKAGE, package_input(clock, sku="starter"))
    assert taken["fields"] == [{"field": "sku", "code": "SKU_TAKEN"}]


async def test_an_operator_creates_and_tunes_a_promo_code(
    api: Api, app: Starlette, clock: FrozenClock, admin_token: str
) -> None:
    values = promo_input(clock, maxUses=1)
    created = await save(api, admin_token, SAVE_PROMO, values)
    code = values["code"].upper()
    assert created["promoCode"]["code"] == code and created["created"] is True
    player = (await api.new_player())["accessToken"]
    assert (await buy(api, player, promoCode=values["code"]))["__typename"] == "PurchaseSucceeded"
    raised = await save(api, admin_token, SAVE_PROMO, {"code": code, "maxUses": 0})
    assert raised["__typename"] == "ValidationFailed"  # below the one use taken
    more = await save(api, admin_token, SAVE_PROMO, {"code": code, "maxUses": 5})
    assert (more["promoCode"]["maxUses"], more["promoCode"]["uses"]) == (5, 1)
    off = await save(api, admin_token, SAVE_PROMO, {"code": code, "active": False})
    assert off["promoCode"]["active"] is False
    other = (await api.new_player())["accessToken"]
    assert (await buy(api, other, promoCode=code))["promoProblem"] == "DISABLED"
    fixed = await save(api, admin_token, SAVE_PROMO, promo_input(clock, kind="FIXED", amount=100))
    assert fixed["__typename"] == "ValidationFailed"  # a fixed amount needs its currency
    assert [a for a, _, _ in await audit_of(app, f"promo:{code}")] == [
        "PROMO_CODE_CREATE",
        "PROMO_CODE_UPDATE",
        "PROMO_CODE_UPDATE",
    ]
    listed = await api.data("{ adminPromoCodes { code uses } }", token=admin_token)
    assert {"code": code, "uses": 1} in listed["adminPromoCodes"]


@pytest.mark.parametrize("who", ["player", "anonymous"])
@pytest.mark.parametrize("mutation", ["product", "package", "promo", "lists"])
async def test_the_shop_admin_is_for_operators_only(
    api: Api, app: Starlette, clock: FrozenClock, who: str, mutation: str
) -> None:
    token = (await api.new_player())["accessToken"] if who == "player" else None
    documents = {
        "product": (SAVE_PRODUCT, product_input()),
        "package": (SAVE_PACKAGE, package_input(clock)),
        "promo": (SAVE_PROMO, promo_input(clock)),
        "lists": (
            "{ adminProducts { sku } adminLimitedPackages { sku } adminPromoCodes { code } }",
            None,
        ),
    }
    document, values = documents[mutation]
    body = await api.execute(document, None if values is None else {"input": values}, token=token)
    expected = "FORBIDDEN" if who == "player" else "UNAUTHENTICATED"
    assert set(error_codes(body)) == {expected}
    if values is not None:
        key = values.get("sku") or values["code"].upper()
        target = {"product": "product", "package": "package", "promo": "promo"}[mutation]
        assert await audit_of(app, f"{target}:{key}") == []


@pytest.mark.parametrize("mutation", ["product", "package", "promo"])
async def test_twenty_simultaneous_creates_of_one_key_make_it_once(
    api: Api, app: Starlette, clock: FrozenClock, admin_token: str, mutation: str
) -> None:
    document, values = {
        "product": (SAVE_PRODUCT, product_input()),
        "package": (SAVE_PACKAGE, package_input(clock)),
        "promo": (SAVE_PROMO, promo_input(clock)),
    }[mutation]
    results = await asyncio.gather(*(save(api, admin_token, document, values) for _ in range(20)))
    assert [r["created"] for r in results].count(True) == 1
    assert {r["__typename"] for r in results} == {
        "ProductSaved"
        if mutation == "product"
        else "LimitedPackageSaved"
        if mutation == "package"
        else "PromoCodeSaved"
    }
    key = values.get("sku") or values["code"].upper()
    trail = await audit_of(app, f"{mutation}:{key}")
    assert [a for a, _, _ in trail].count(trail[0][0]) == 1  # one CREATE, the rest UPDATEs
    assert len(trail) == 20


@pytest.mark.parametrize(
    ("mutation", "field"),
    [("product", "discountEndsAt"), ("package", "startsAt"), ("promo", "endsAt")],
)
@pytest.mark.parametrize("instant", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
async def test_an_instant_at_the_edge_of_the_calendar_is_a_validation_error(
    api: Api, clock: FrozenClock, admin_token: str, mutation: str, field: str, instant: str
) -> None:
    document, values = {
        "product": (SAVE_PRODUCT, product_input(discountPercent=10)),
        "package": (SAVE_PACKAGE, package_input(clock)),
        "promo": (SAVE_PROMO, promo_input(clock)),
    }[mutation]
    refused = await save(api, admin_token, document, {**values, field: instant})
    assert refused["__typename"] == "ValidationFailed"
    assert {"field": field, "code": "INSTANT_OUT_OF_RANGE"} in refused["fields"]
