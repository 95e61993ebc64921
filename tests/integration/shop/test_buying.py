"""buyProduct (SPEC §7.2, §7.5, §7.6) through the schema, on both backends: every test
token's path with its transaction record, idempotency with Stripe's semantics, pending
purchases settled by polling or the sweeper, receipts."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from starlette.applications import Starlette

from casino_club.clock import FrozenClock
from casino_club.domain.accounts import Rank
from casino_club.domain.shop import Currency
from casino_club.domain.shop import Product as Product_
from casino_club.live.events import user_channel
from casino_club.persistence import products
from casino_club.persistence.models import LedgerEntry, Product
from casino_club.persistence.models import Purchase as PurchaseRow
from casino_club.resolvers.payment_settlement import sweep_stale
from tests.integration.shop.support import (
    buy,
    gold_of,
    purchases_of,
    sandbox_of,
    services_of,
)
from tests.support import LEDGER, Api, error_codes, row_id

START_GOLD = 1_000  # the sign-up bonus


async def player(api: Api) -> str:
    token: str = (await api.new_player())["accessToken"]
    return token


async def purchase_rows(api: Api, token: str) -> int:
    """How many purchase records the player has, whatever their status."""
    return len(await purchases_of(api, token))


async def ledger_reasons(api: Api, token: str) -> list[tuple[str, int, str | None]]:
    edges = (await api.data(LEDGER, token=token))["me"]["ledger"]["edges"]
    return [(e["node"]["reason"], e["node"]["amount"], e["node"]["reference"]) for e in edges]


async def test_tok_ok_pays_grants_gold_and_bonus_and_signs_a_receipt(api: Api) -> None:
    token = await player(api)
    result = await buy(api, token, sku="value")
    assert result["__typename"] == "PurchaseSucceeded", result
    assert result["replayed"] is False
    receipt = result["receipt"]
    assert (receipt["sku"], receipt["quantity"], receipt["amountCents"], receipt["gold"]) == (
        "value",
        1,
        1_999,
        22_000,
    )
    assert receipt["currency"] == "USD" and len(receipt["signature"]) == 64
    transaction_id = receipt["transactionId"]
    assert await gold_of(api, token) == START_GOLD + 22_000
    assert (await ledger_reasons(api, token))[0] == (
        "PURCHASE",
        22_000,
        f"purchase:{transaction_id}",
    )
    [record] = await purchases_of(api, token)
    assert record["id"] == transaction_id
    assert (record["status"], record["failureReason"], record["gold"], record["bonusGold"]) == (
        "SUCCEEDED",
        None,
        22_000,
        2_000,
    )
    assert record["receipt"]["code"] == receipt["code"] and record["settledAt"] is not None


@pytest.mark.parametrize(
    ("card", "reason", "authorize_timeouts"),
    [
        ("tok_declined", "DECLINED", 0),
        ("tok_capture_fail", "CAPTURE_FAILED", 0),
        ("tok_unknown", "DECLINED", 0),
        ("tok_timeout", "GATEWAY_TIMEOUT", 3),  # 3 tries, each timed out: exhausted
    ],
)
async def test_a_failed_payment_is_recorded_with_its_reason_and_grants_nothing(
    api: Api, caplog: pytest.LogCaptureFixture, card: str, reason: str, authorize_timeouts: int
) -> None:
    token = await player(api)
    with caplog.at_level(logging.WARNING, logger="casino_club.payments.client"):
        result = await buy(api, token, card=card)
    assert result["__typename"] == "PaymentDeclined", result
    assert (result["code"], result["reason"]) == ("PAYMENT_DECLINED", reason)
    timeouts = [r for r in caplog.records if "authorize timed out" in r.getMessage()]
    assert len(timeouts) == authorize_timeouts
    [record] = await purchases_of(api, token)
    assert (record["id"], record["status"], record["failureReason"]) == (
        result["transactionId"],
        "FAILED",
        reason,
    )
    assert record["receipt"] is None and record["settledAt"] is not None
    assert await gold_of(api, token) == START_GOLD
    assert [r[0] for r in await ledger_reasons(api, token)] == ["SIGNUP_BONUS"]


async def test_a_timeout_is_retried_and_the_retry_pays_once(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    token = await player(api)
    with caplog.at_level(logging.WARNING, logger="casino_club.payments.client"):
        result = await buy(api, token, card="tok_timeout_once")
    assert result["__typename"] == "PurchaseSucceeded", result
    assert [r.getMessage() for r in caplog.records if "timed out" in r.getMessage()] == [
        "payment gateway authorize timed out (try 1 of 3)"
    ]
    [record] = await purchases_of(api, token)
    assert record["status"] == "SUCCEEDED"
    assert await gold_of(api, token) == START_GOLD + 5_000


async def test_a_retry_returns_the_first_result_and_pays_nothing_more(
    api: Api, app: Starlette
) -> None:
    token = await player(api)
    first = await buy(api, token, key="k1")
    again = await buy(api, token, key="k1")
    assert again["__typename"] == "PurchaseSucceeded" and again["replayed"] is True
    assert again["receipt"] == first["receipt"]
    declined = await buy(api, token, card="tok_declined", key="k2")
    declined_again = await buy(api, token, card="tok_declined", key="k2")
    assert declined_again == declined  # a decline is the first result too: no new attempt
    assert await purchase_rows(api, token) == 2
    assert await gold_of(api, token) == START_GOLD + 5_000


async def test_the_same_key_for_another_purchase_is_refused(api: Api, app: Starlette) -> None:
    token = await player(api)
    await buy(api, token, key="mine")
    for changed in ({"sku": "value"}, {"card": "tok_declined"}, {"quantity": 2}):
        result = await buy(api, token, key="mine", **changed)
        assert result["__typename"] == "IdempotencyKeyReused", result
    assert await purchase_rows(api, token) == 1
    assert await gold_of(api, token) == START_GOLD + 5_000


async def test_keys_are_per_player(api: Api) -> None:
    first, second = await player(api), await player(api)
    assert (await buy(api, first, key="shared"))["__typename"] == "PurchaseSucceeded"
    result = await buy(api, second, key="shared", sku="value")
    assert result["__typename"] == "PurchaseSucceeded" and result["replayed"] is False


async def test_twenty_concurrent_requests_with_one_key_charge_and_grant_once(
    api: Api, app: Starlette
) -> None:
    token = await player(api)
    results = await asyncio.gather(*(buy(api, token, key="burst") for _ in range(20)))
    kinds = Counter((r["__typename"], r.get("replayed")) for r in results)
    assert set(kinds) <= {
        ("PurchaseSucceeded", False),
        ("PurchaseSucceeded", True),
        ("IdempotencyKeyInUse", None),
    }, kinds
    assert kinds[("PurchaseSucceeded", False)] == 1
    codes = {r["receipt"]["code"] for r in results if r["__typename"] == "PurchaseSucceeded"}
    assert len(codes) == 1
    assert await purchase_rows(api, token) == 1
    assert await gold_of(api, token) == START_GOLD + 5_000
    assert [r[0] for r in await ledger_reasons(api, token)].count("PURCHASE") == 1


async def test_quantity_multiplies_price_and_gold_and_a_discount_applies(
    api: Api, app: Starlette
) -> None:
    async with services_of(app).unit_of_work() as uow:
        await uow.session.execute(
            update(Product).where(Product.sku == "value").values(discount_percent=25)
        )
        await uow.commit()
    token = await player(api)
    result = await buy(api, token, sku="value", quantity=3)
    assert result["__typename"] == "PurchaseSucceeded", result
    # 1,999 × 0.75 = 1,499.25 → 1,499 per unit (halves up), times 3
    assert (result["receipt"]["amountCents"], result["receipt"]["gold"]) == (4_497, 66_000)
    assert await gold_of(api, token) == START_GOLD + 66_000


async def test_eligibility_refusals_record_nothing_and_free_the_key(
    api: Api, app: Starlette
) -> None:
    token = await player(api)
    whale = await buy(api, token, sku="whale", key="k")
    assert (whale["__typename"], whale["required"]) == ("RankRequired", "VIP")
    missing = await buy(api, token, sku="nope", key="k")
    assert missing["__typename"] == "ProductNotFound"
    promo = await buy(api, token, promoCode="SAVE10", key="k")
    assert (promo["__typename"], promo["promoProblem"]) == ("PromoInvalid", "UNKNOWN_CODE")
    async with services_of(app).unit_of_work() as uow:
        await uow.session.execute(
            update(Product).where(Product.sku == "starter").values(active=False)
        )
        await uow.commit()
    assert (await buy(api, token, key="k"))["__typename"] == "ProductNotFound"
    assert await purchase_rows(api, token) == 0
    # Nothing kept the key: it buys something else now.
    assert (await buy(api, token, sku="value", key="k"))["__typename"] == "PurchaseSucceeded"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"quantity": 0}, "quantity"),
        ({"quantity": 11}, "quantity"),
        ({"quantity": -2_147_483_648}, "quantity"),
        ({"card": ""}, "paymentToken"),
        ({"card": "t" * 256}, "paymentToken"),
        ({"sku": "s" * 65}, "sku"),
        ({"sku": ""}, "sku"),
        ({"promoCode": ""}, "promoCode"),
        ({"key": "k" * 256}, "idempotencyKey"),
    ],
)
async def test_invalid_input_is_a_validation_error_and_changes_nothing(
    api: Api, app: Starlette, changes: dict[str, Any], field: str
) -> None:
    token = await player(api)
    result = await buy(api, token, **changes)
    assert result["__typename"] == "ValidationFailed", result
    assert [f["field"] for f in result["fields"]] == [field]
    assert await purchase_rows(api, token) == 0
    assert await gold_of(api, token) == START_GOLD


async def test_buying_needs_a_player(api: Api) -> None:
    body = await api.execute(
        'mutation { buyProduct(input: {sku: "starter", paymentToken: "tok_ok", '
        'idempotencyKey: "k"}) { __typename } }'
    )
    assert error_codes(body) == ["UNAUTHENTICATED"]


async def test_a_pending_purchase_is_settled_by_polling_with_the_same_key(
    api: Api, app: Starlette
) -> None:
    token = await player(api)
    first = await buy(api, token, card="tok_pending", key="p")
    assert first["__typename"] == "PurchasePending", first
    assert first["purchase"]["status"] == "PENDING"
    assert await gold_of(api, token) == START_GOLD
    polled = await buy(api, token, card="tok_pending", key="p")  # 1st poll: pending
    assert polled["__typename"] == "PurchasePending"
    settled = await buy(api, token, card="tok_pending", key="p")  # 2nd: captured
    assert settled["__typename"] == "PurchaseSucceeded", settled
    assert settled["receipt"]["transactionId"] == first["transactionId"]
    again = await buy(api, token, card="tok_pending", key="p")
    assert again["receipt"] == settled["receipt"]
    assert await gold_of(api, token) == START_GOLD + 5_000
    assert await purchase_rows(api, token) == 1


async def test_concurrent_polls_of_a_pending_purchase_grant_once(api: Api, app: Starlette) -> None:
    token = await player(api)
    await buy(api, token, card="tok_pending", key="p")
    results = await asyncio.gather(
        *(buy(api, token, card="tok_pending", key="p") for _ in range(20))
    )
    assert {r["__typename"] for r in results} <= {"PurchasePending", "PurchaseSucceeded"}
    assert any(r["__typename"] == "PurchaseSucceeded" for r in results)
    assert await gold_of(api, token) == START_GOLD + 5_000
    assert [r[0] for r in await ledger_reasons(api, token)].count("PURCHASE") == 1


async def test_the_sweeper_voids_a_purchase_pending_five_minutes(
    api: Api, app: Starlette, clock: FrozenClock
) -> None:
    token = await player(api)
    pending = await buy(api, token, card="tok_pending", key="p")
    services = services_of(app)
    # (The database is shared by the tests of a run: the sweeper may settle other tests'
    # stale purchases too, so what is checked is this purchase, not a count.)
    clock.advance(timedelta(seconds=299))
    await sweep_stale(services)  # not yet: 5 minutes is the limit
    assert [p["status"] for p in await purchases_of(api, token)] == ["PENDING"]
    clock.advance(timedelta(seconds=2))
    await sweep_stale(services)  # asks the provider once (still pending): void
    [record] = await purchases_of(api, token)
    assert (record["status"], record["failureReason"]) == ("VOIDED", "STALE_AUTO_VOID")
    replay = await buy(api, token, card="tok_pending", key="p")
    assert (replay["__typename"], replay["reason"], replay["transactionId"]) == (
        "PaymentDeclined",
        "STALE_AUTO_VOID",
        pending["transactionId"],
    )
    await sweep_stale(services)
    [record] = await purchases_of(api, token)
    assert record["status"] == "VOIDED"
    assert await gold_of(api, token) == START_GOLD


async def test_the_sweeper_grants_a_stale_purchase_the_provider_captured(
    api: Api, app: Starlette, clock: FrozenClock
) -> None:
    token = await player(api)
    await buy(api, token, card="tok_pending", key="p")
    await buy(api, token, card="tok_pending", key="p")  # 1st poll: still pending
    clock.advance(timedelta(minutes=6))
    await sweep_stale(services_of(app))  # its poll is the 2nd: captured
    [record] = await purchases_of(api, token)
    assert record["status"] == "SUCCEEDED"
    assert await gold_of(api, token) == START_GOLD + 5_000


async def test_a_grant_tells_the_player_over_their_channel(api: Api, app: Starlette) -> None:
    token = await player(api)
    me = await api.data("{ me { id } }", token=token)
    received: list[dict[str, Any]] = []
    async with services_of(app).events.subscribe(user_channel(row_id(me["me"]["id"]))) as stream:
        result = await buy(api, token, sku="value")
        async with asyncio.timeout(5):
            async for event in stream:
                received.append(event)
                if event["kind"] == "game":
                    break
    balance, game = received
    assert (balance["kind"], balance["gold"], balance["delta"], balance["reason"]) == (
        "balance",
        START_GOLD + 22_000,
        22_000,
        "PURCHASE",
    )
    assert game["type"] == "PURCHASE"
    assert game["data"]["purchaseId"] == row_id(result["receipt"]["transactionId"])
    assert (game["data"]["sku"], game["data"]["gold"]) == ("value", 22_000)


VERIFY = """query V($input: VerifyReceiptInput!) { verifyReceipt(input: $input) {
  valid receipt { code transactionId gold sku } } }"""


async def test_a_receipt_verifies_and_a_forged_one_does_not(api: Api, app: Starlette) -> None:
    token = await player(api)
    receipt = (await buy(api, token))["receipt"]
    good = {"code": receipt["code"], "signature": receipt["signature"]}
    verified = (await api.data(VERIFY, {"input": good}, token=token))["verifyReceipt"]
    assert verified["valid"] is True
    assert verified["receipt"]["transactionId"] == receipt["transactionId"]
    flipped = receipt["signature"][:-1] + ("0" if receipt["signature"][-1] != "0" else "1")
    for forged in (
        {"code": receipt["code"], "signature": flipped},
        {"code": "NOSUCHCODE", "signature": receipt["signature"]},
        {"code": receipt["code"], "signature": ""},
        {"code": receipt["code"], "signature": "é" * 5_000},
    ):
        answer = (await api.data(VERIFY, {"input": forged}, token=token))["verifyReceipt"]
        assert (answer["valid"], answer["receipt"]) == (False, None)
    # A purchase edited behind the signature's back no longer verifies.
    async with services_of(app).unit_of_work() as uow:
        await uow.session.execute(
            update(PurchaseRow)
            .where(PurchaseRow.receipt_code == receipt["code"])
            .values(gold=1_000_000)
        )
        await uow.commit()
    tampered = (await api.data(VERIFY, {"input": good}, token=token))["verifyReceipt"]
    assert (tampered["valid"], tampered["receipt"]) == (False, None)
    async with services_of(app).unit_of_work() as uow:  # put it back: the books must balance
        await uow.session.execute(
            update(PurchaseRow)
            .where(PurchaseRow.receipt_code == receipt["code"])
            .values(gold=5_000)
        )
        await uow.commit()
    body = await api.execute(VERIFY, {"input": good})
    assert error_codes(body) == ["UNAUTHENTICATED"]


async def test_purchases_are_private_and_paged(api: Api) -> None:
    token, other = await player(api), await player(api)
    for _ in range(3):
        await buy(api, token)
    await buy(api, token, card="tok_declined")
    mine = await purchases_of(api, token)
    assert [p["status"] for p in mine] == ["FAILED", "SUCCEEDED", "SUCCEEDED", "SUCCEEDED"]
    assert await purchases_of(api, other) == []
    page = """query P($after: String) { me { purchases(first: 3, after: $after) {
      edges { node { id } } pageInfo { hasNextPage endCursor } } } }"""
    first = (await api.data(page, token=token))["me"]["purchases"]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = (await api.data(page, {"after": first["pageInfo"]["endCursor"]}, token=token))["me"][
        "purchases"
    ]
    ids = [e["node"]["id"] for e in first["edges"] + rest["edges"]]
    assert ids == [p["id"] for p in mine]


async def test_no_ledger_row_without_its_purchase(api: Api, app: Starlette) -> None:
    """Every PURCHASE ledger row points at a SUCCEEDED (or since refunded) purchase of the
    same player and amount."""
    token = await player(api)
    for card in ("tok_ok", "tok_declined", "tok_capture_fail", "tok_pending", "tok_ok"):
        await buy(api, token, card=card)
    async with services_of(app).sessionmaker() as session:
        rows = (
            await session.execute(
                select(LedgerEntry.user_id, LedgerEntry.amount, LedgerEntry.reference).where(
                    LedgerEntry.reason == "PURCHASE"
                )
            )
        ).all()
        paid = (
            await session.execute(
                select(PurchaseRow.user_id, PurchaseRow.gold, PurchaseRow.id).where(
                    # A refund keeps the grant's row and adds its reversal.
                    PurchaseRow.status.in_(["SUCCEEDED", "REFUNDED"])
                )
            )
        ).all()
    assert sorted((u, g, f"purchase:{i}") for u, g, i in paid) == sorted(
        (u, a, r) for u, a, r in rows
    )


async def test_a_total_an_int_cannot_carry_is_refused_before_anything_is_charged(
    api: Api, app: Starlette
) -> None:
    """300,000,000 won ×10 is 3,000,000,000: past GraphQL's Int, so refused typed; ×7
    fits, and its replay and the purchase list still answer."""
    big = Product_(
        "krw_max", "Whale pack", "", 300_000_000, Currency.KRW, 1_000, 0, min_rank=Rank.STANDARD
    )
    async with services_of(app).unit_of_work() as uow:
        await products.add_missing(uow.session, [big])
        await uow.commit()
    token = await player(api)
    refused = await buy(api, token, sku="krw_max", quantity=10)
    assert refused["__typename"] == "ValidationFailed", refused
    assert refused["fields"] == [{"field": "quantity", "code": "AMOUNT_TOO_LARGE"}]
    assert await purchase_rows(api, token) == 0
    assert sandbox_of(app).references() == []  # nothing was asked of the provider
    bought = await buy(api, token, sku="krw_max", quantity=7, key="k")
    assert bought["__typename"] == "PurchaseSucceeded", bought
    assert bought["receipt"]["amountCents"] == 2_100_000_000
    replay = await buy(api, token, sku="krw_max", quantity=7, key="k")
    assert replay["receipt"] == bought["receipt"]
    [record] = await purchases_of(api, token)
    assert record["amountCents"] == 2_100_000_000
