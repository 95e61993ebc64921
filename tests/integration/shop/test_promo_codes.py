"""Promo codes at checkout (SPEC §7.4), on both backends: the price they give, when they
do not apply, and their uses — taken when a purchase opens, given back if it fails or
expires, never more than the code allows however many buy at once."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from starlette.applications import Starlette

from casino_club.clock import FrozenClock
from casino_club.domain.promos import PromoCode, PromoKind
from casino_club.domain.shop import Currency
from casino_club.persistence import promos
from casino_club.persistence.models import PromoCode as PromoRow
from casino_club.resolvers.payment_settlement import sweep_stale
from tests.integration.shop.support import buy, purchases_of, services_of
from tests.integration.shop.test_limited_packages import add_package
from tests.support import Api


async def add_code(app: Starlette, clock: FrozenClock, **changes: Any) -> str:
    code = f"PROMO{uuid.uuid4().hex[:8].upper()}"
    promo = PromoCode(
        code=code,
        kind=PromoKind.PERCENT,
        amount=20,
        currency=None,
        starts_at=clock.now() - timedelta(hours=1),
        ends_at=clock.now() + timedelta(days=1),
        max_uses=None,
        per_user_limit=1,
        applies_to=frozenset(),
    )
    async with services_of(app).unit_of_work() as uow:
        await promos.add(uow.session, replace(promo, **changes))
        await uow.commit()
    return code


async def uses_of(app: Starlette, code: str) -> int:
    async with services_of(app).sessionmaker() as session:
        row = await session.get(PromoRow, code, populate_existing=True)
    assert row is not None
    return row.uses


async def player(api: Api) -> str:
    token: str = (await api.new_player())["accessToken"]
    return token


async def test_a_percent_code_takes_its_share_off_each_unit(
    api: Api, app: Starlette, clock: FrozenClock
) -> None:
    code = await add_code(app, clock)
    token = await player(api)
    result = await buy(api, token, sku="value", quantity=2, promoCode=f" {code.lower()} ")
    assert result["__typename"] == "PurchaseSucceeded", result
    assert result["receipt"]["amountCents"] == 3_198  # (1,999 − 400) × 2
    assert result["receipt"]["gold"] == 44_000  # the gold is the product's, in full
    [record] = await purchases_of(api, token)
    assert record["amountCents"] == 3_198
    assert await uses_of(app, code) == 1


async def test_a_fixed_code_never_makes_a_purchase_free(
    api: Api, app: Starlette, clock: FrozenClock
) -> None:
    code = await add_code(app, clock, kind=PromoKind.FIXED, amount=1_000, currency=Currency.USD)
    token = await player(api)
    result = await buy(api, token, sku="starter", promoCode=code)
    assert result["receipt"]["amountCents"] == 1


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"active": False}, "DISABLED"),
        ({"starts_at_hours": 1}, "NOT_STARTED"),
        ({"ends_at_hours": -0.5}, "EXPIRED"),
        ({"applies_to": frozenset({"premium"})}, "NOT_APPLICABLE"),
        ({"kind": PromoKind.FIXED, "amount": 100, "currency": Currency.EUR}, "NOT_APPLICABLE"),
    ],
)
async def test_a_code_that_does_not_apply_says_why_and_records_nothing(
    api: Api, app: Starlette, clock: FrozenClock, changes: dict[str, Any], problem: str
) -> None:
    if "starts_at_hours" in changes:
        start = clock.now() + timedelta(hours=changes.pop("starts_at_hours"))
        changes["starts_at"], changes["ends_at"] = start, start + timedelta(hours=1)
    if "ends_at_hours" in changes:
        end = clock.now() + timedelta(hours=changes.pop("ends_at_hours"))
        changes["starts_at"], changes["ends_at"] = end - timedelta(hours=1), end
    code = await add_code(app, clock, **changes)
    token = await player(api)
    result = await buy(api, token, sku="value", promoCode=code)
    assert (result["__typename"], result["promoProblem"]) == ("PromoInvalid", problem)
    assert await purchases_of(api, token) == []
    assert await uses_of(app, code) == 0


async def test_a_player_uses_a_code_once_and_a_failed_payment_gives_the_use_back(
    api: Api, app: Starlette, clock: FrozenClock
) -> None:
    code = await add_code(app, clock)
    token = await player(api)
    declined = await buy(api, token, card="tok_declined", promoCode=code)
    assert declined["__typename"] == "PaymentDeclined"
    assert await uses_of(app, code) == 0
    assert (await buy(api, token, promoCode=code))["__typename"] == "PurchaseSucceeded"
    again = await buy(api, token, promoCode=code)
    assert (again["__typename"], again["promoProblem"]) == ("PromoInvalid", "ALREADY_USED")
    other = await player(api)
    assert (await buy(api, other, promoCode=code))["__typename"] == "PurchaseSucceeded"
    assert await uses_of(app, code) == 2


async def test_the_total_uses_hold_when_many_redeem_at_once(
    api: Api, app: Starlette, clock: FrozenClock
) -> None:
    code = await add_code(app, clock, max_uses=3)
    tokens = await asyncio.gather(*(player(api) for _ in range(12)))
    results = await asyncio.gather(*(buy(api, token, promoCode=code) for token in tokens))
    outcomes = Counter(r.get("promoProblem", r["__typename"]) for r in results)
    assert outcomes == {"PurchaseSucceeded": 3, "EXHAUSTED": 9}
    assert await uses_of(app, code) == 3


async def test_one_player_redeeming_at_once_gets_one_use(
    api: Api, app: Starlette, clock: FrozenClock
) -> None:
    code = await add_code(app, clock, per_user_limit=2)
    token = await player(api)
    results = await asyncio.gather(*(buy(api, token, promoCode=code) for _ in range(8)))
    outcomes = Counter(r.get("promoProblem", r["__typename"]) for r in results)
    assert outcomes == {"PurchaseSucceeded": 2, "ALREADY_USED": 6}


async def test_a_code_applies_to_a_limited_package(
    api: Api, app: Starlette, clock: FrozenClock
) -> None:
    sku = await add_package(app, clock, stock=5)
    code = await add_code(app, clock, applies_to=frozenset({sku}), max_uses=1)
    token, other = await player(api), await player(api)
    variables = {
        "input": {
            "sku": sku,
            "paymentToken": "tok_pending",
            "idempotencyKey": "k",
            "promoCode": code,
        }
    }
    mutation = """mutation B($input: BuyLimitedPackageInput!) { buyLimitedPackage(input: $input) {
      __typename ... on PurchasePending { purchase { amountCents promoCode } }
      ... on PromoInvalid { promoProblem } } }"""
    pending = (await api.data(mutation, variables, token=token))["buyLimitedPackage"]
    assert pending["purchase"] == {"amountCents": 799, "promoCode": code}  # 999 − 200
    variables["input"]["idempotencyKey"] = "other"
    refused = (await api.data(mutation, variables, token=other))["buyLimitedPackage"]
    assert refused == {"__typename": "PromoInvalid", "promoProblem": "EXHAUSTED"}
    clock.advance(timedelta(seconds=121))
    await sweep_stale(services_of(app))  # expired: its unit and use given back
    assert await uses_of(app, code) == 0
    again = (await api.data(mutation, variables, token=other))["buyLimitedPackage"]
    assert again["__typename"] == "PurchasePending"
