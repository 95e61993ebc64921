"""A player's own purchase limits (SPEC §5.5), on both backends: daily and monthly, in
USD cents; lowering applies at once, raising after 24 hours; simultaneous purchases
cannot slip past a limit."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from casino_club.clock import FrozenClock
from tests.integration.shop.support import buy
from tests.support import Api

SET = """mutation S($input: SetLimitsInput!) { setLimits(input: $input) {
  __typename
  ... on LimitsSet { limits { dailyPurchaseCents { amount pending { amount appliesAt } }
                              monthlyPurchaseCents { amount pending { amount appliesAt } } } }
  ... on ValidationFailed { fields { field code } } } }"""
LIMITS = """{ me { limits { dailyPurchaseCents { amount pending { amount appliesAt } }
  monthlyPurchaseCents { amount pending { amount appliesAt } } } } }"""
REACHED = """mutation B($input: BuyProductInput!) { buyProduct(input: $input) {
  __typename ... on SpendingLimitReached { code period limitCents spentCents resetsAt } } }"""


async def set_limits(api: Api, token: str, **values: Any) -> Any:
    return (await api.data(SET, {"input": values}, token=token))["setLimits"]


class Player:
    """A player who logs in again after the clock jumps past their token's life."""

    def __init__(self, api: Api, site_id: str, token: str) -> None:
        self.api, self.site_id, self.token = api, site_id, token

    async def wake(self) -> str:
        self.token = (await self.api.login(self.site_id))["accessToken"]
        return self.token


async def player(api: Api) -> str:
    token: str = (await api.new_player())["accessToken"]
    return token


async def sleeper(api: Api) -> Player:
    signed = await api.new_player()
    return Player(api, signed["user"]["siteId"], signed["accessToken"])


async def attempt(api: Api, token: str, key: str, sku: str = "starter") -> Any:
    variables = {"input": {"sku": sku, "paymentToken": "tok_ok", "idempotencyKey": key}}
    return (await api.data(REACHED, variables, token=token))["buyProduct"]


def next_midnight_utc(now: datetime) -> datetime:
    return (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)


async def test_a_daily_limit_counts_the_days_purchases(api: Api, clock: FrozenClock) -> None:
    someone = await sleeper(api)
    token = someone.token
    result = await set_limits(api, token, dailyPurchaseCents=1_000)
    assert result["limits"]["dailyPurchaseCents"] == {"amount": 1_000, "pending": None}
    assert (await buy(api, token, card="tok_declined"))["__typename"] == "PaymentDeclined"
    assert (await buy(api, token))["__typename"] == "PurchaseSucceeded"  # 499
    assert (await buy(api, token))["__typename"] == "PurchaseSucceeded"  # 998
    refused = await attempt(api, token, "third")  # 1,497 > 1,000
    assert refused == {
        "__typename": "SpendingLimitReached",
        "code": "SPENDING_LIMIT_REACHED",
        "period": "DAILY_PURCHASE",
        "limitCents": 1_000,
        "spentCents": 998,  # the declined payment took nothing and counts nothing
        "resetsAt": next_midnight_utc(clock.now()).isoformat(),
    }
    clock.advance(next_midnight_utc(clock.now()) - clock.now())
    token = await someone.wake()
    assert (await attempt(api, token, "next day"))["__typename"] == "PurchaseSucceeded"


async def test_a_monthly_limit_spans_the_days(api: Api, clock: FrozenClock) -> None:
    someone = await sleeper(api)
    await set_limits(api, someone.token, monthlyPurchaseCents=1_500)
    this_month = clock.now().replace(day=1, hour=0, minute=0, second=0)
    next_month = (this_month + timedelta(days=32)).replace(day=1)
    clock.advance(next_month + timedelta(days=1) - clock.now())  # the 2nd of next month
    for _ in range(3):  # 1,497 this month, on three days
        assert (await buy(api, await someone.wake()))["__typename"] == "PurchaseSucceeded"
        clock.advance(timedelta(days=1))
    refused = await attempt(api, await someone.wake(), "fourth")
    assert (refused["period"], refused["spentCents"]) == ("MONTHLY_PURCHASE", 1_497)


async def test_a_raise_waits_a_day_a_lowering_does_not(api: Api, clock: FrozenClock) -> None:
    someone = await sleeper(api)
    token = someone.token
    await set_limits(api, token, dailyPurchaseCents=500)
    await buy(api, token)
    raised = await set_limits(api, token, dailyPurchaseCents=5_000)
    applies_at = (clock.now() + timedelta(hours=24)).isoformat()
    assert raised["limits"]["dailyPurchaseCents"] == {
        "amount": 500,
        "pending": {"amount": 5_000, "appliesAt": applies_at},
    }
    assert (await attempt(api, token, "a"))["__typename"] == "SpendingLimitReached"
    clock.advance(timedelta(hours=24))
    token = await someone.wake()
    me = (await api.data(LIMITS, token=token))["me"]["limits"]
    assert me["dailyPurchaseCents"] == {"amount": 5_000, "pending": None}
    assert (await attempt(api, token, "b"))["__typename"] == "PurchaseSucceeded"
    lowered = await set_limits(api, token, dailyPurchaseCents=0)
    assert lowered["limits"]["dailyPurchaseCents"] == {"amount": 0, "pending": None}
    assert (await attempt(api, token, "c"))["__typename"] == "SpendingLimitReached"


async def test_removing_a_limit_waits_and_other_limits_are_left_alone(
    api: Api, clock: FrozenClock
) -> None:
    someone = await sleeper(api)
    token = someone.token
    await set_limits(api, token, dailyPurchaseCents=500, monthlyPurchaseCents=9_000)
    removed = await set_limits(api, token, dailyPurchaseCents=None)
    limits = removed["limits"]
    assert limits["dailyPurchaseCents"]["amount"] == 500
    assert limits["dailyPurchaseCents"]["pending"]["amount"] is None
    assert limits["monthlyPurchaseCents"] == {"amount": 9_000, "pending": None}
    clock.advance(timedelta(hours=24))
    me = (await api.data(LIMITS, token=await someone.wake()))["me"]["limits"]
    assert me["dailyPurchaseCents"] == {"amount": None, "pending": None}


async def test_simultaneous_purchases_cannot_slip_past_a_limit(api: Api) -> None:
    token = await player(api)
    await set_limits(api, token, dailyPurchaseCents=1_000)
    results = await asyncio.gather(*(attempt(api, token, f"k{n}") for n in range(6)))
    assert Counter(r["__typename"] for r in results) == {
        "PurchaseSucceeded": 2,
        "SpendingLimitReached": 4,
    }


async def test_limits_must_be_sane(api: Api) -> None:
    token = await player(api)
    for bad in (-1, 10**9 + 1):
        refused = await set_limits(api, token, dailyPurchaseCents=bad, monthlyPurchaseCents=bad)
        assert refused["__typename"] == "ValidationFailed"
        assert [f["field"] for f in refused["fields"]] == [
            "dailyPurchaseCents",
            "monthlyPurchaseCents",
        ]
    me = (await api.data(LIMITS, token=token))["me"]["limits"]
    assert me["dailyPurchaseCents"] == {"amount": None, "pending": None}
