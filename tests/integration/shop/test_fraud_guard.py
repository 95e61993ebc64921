"""The purchase fraud guard (SPEC §7.6) on both backends (Redis, and in process): 20
attempts or 3 distinct payment tokens within 5 minutes block further attempts for 15
minutes, counted atomically."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from datetime import datetime, timedelta

from casino_club.clock import FrozenClock
from tests.integration.shop.support import buy, purchases_of
from tests.support import Api


async def player(api: Api) -> str:
    token: str = (await api.new_player())["accessToken"]
    return token


async def test_a_third_payment_token_blocks_further_attempts_for_fifteen_minutes(
    api: Api, clock: FrozenClock
) -> None:
    token = await player(api)
    for card in ("tok_ok", "tok_declined", "tok_capture_fail"):  # the 3rd reaches the limit
        assert (await buy(api, token, card=card))["__typename"] != "PurchaseBlocked"
    blocked = await buy(api, token, card="tok_ok")
    assert (blocked["__typename"], blocked["code"]) == ("PurchaseBlocked", "PURCHASE_BLOCKED")
    until = datetime.fromisoformat(blocked["until"])
    assert until == clock.now() + timedelta(minutes=15)
    assert blocked["retryAfterSeconds"] == 900
    assert len(await purchases_of(api, token)) == 3  # the refused attempt recorded nothing
    clock.advance(timedelta(minutes=14, seconds=59))
    again = await buy(api, token, card="tok_ok")
    assert (again["__typename"], again["retryAfterSeconds"]) == ("PurchaseBlocked", 1)
    clock.advance(timedelta(seconds=1))
    assert (await buy(api, token, card="tok_ok"))["__typename"] == "PurchaseSucceeded"


async def test_twenty_attempts_in_five_minutes_block_the_twenty_first(
    api: Api, clock: FrozenClock
) -> None:
    token = await player(api)
    for _ in range(20):
        assert (await buy(api, token, card="tok_declined"))["__typename"] == "PaymentDeclined"
        clock.advance(timedelta(seconds=14))  # 20 attempts within 4 min 40 s
    assert (await buy(api, token))["__typename"] == "PurchaseBlocked"


async def test_attempts_older_than_the_window_no_longer_count(api: Api, clock: FrozenClock) -> None:
    token = await player(api)
    for card in ("tok_ok", "tok_declined"):
        await buy(api, token, card=card)
    clock.advance(timedelta(minutes=5, seconds=1))
    # Two tokens, but five minutes ago: this third one is the only one in the window.
    assert (await buy(api, token, card="tok_capture_fail"))["__typename"] == "PaymentDeclined"
    assert (await buy(api, token, card="tok_ok"))["__typename"] == "PurchaseSucceeded"


async def test_retries_of_one_key_and_refused_requests_are_not_attempts(api: Api) -> None:
    token = await player(api)
    for _ in range(25):
        assert (await buy(api, token, key="same"))["__typename"] == "PurchaseSucceeded"
    for card in (f"tok_{n}" for n in range(5)):
        refused = await buy(api, token, card=card, sku="whale")  # RankRequired: not counted
        assert refused["__typename"] == "RankRequired"
    assert (await buy(api, token, card="tok_declined"))["__typename"] == "PaymentDeclined"


async def test_the_block_is_the_players_own(api: Api) -> None:
    token, other = await player(api), await player(api)
    for card in ("tok_ok", "tok_declined", "tok_capture_fail", "tok_ok"):
        await buy(api, token, card=card)
    assert (await buy(api, token))["__typename"] == "PurchaseBlocked"
    assert (await buy(api, other))["__typename"] == "PurchaseSucceeded"


async def test_twenty_five_attempts_at_once_open_exactly_twenty(api: Api) -> None:
    """The check and the count are one atomic step: no attempt slips in between."""
    token = await player(api)
    results = await asyncio.gather(
        *(buy(api, token, card="tok_declined", key=uuid.uuid4().hex) for _ in range(25))
    )
    assert Counter(r["__typename"] for r in results) == {
        "PaymentDeclined": 20,
        "PurchaseBlocked": 5,
    }
    assert len(await purchases_of(api, token)) == 20
