"""Refunds and debt (SPEC §7.6): an operator's refund returns the money and takes the
gold back through the ledger; what the balance cannot cover is debt, which stops play
until it is repaid (by a purchase, first, or from the balance)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func, select
from starlette.applications import Starlette

from casino_club.persistence.models import AuditLog, User
from tests.integration.shop.support import buy, gold_of, purchases_of, services_of
from tests.support import LEDGER, SPIN, Api, books_balance, error_codes, grant_gold, row_id

START_GOLD = 1_000
REFUND = """mutation R($input: RefundPurchaseInput!) { refundPurchase(input: $input) {
  __typename
  ... on PurchaseRefunded { goldTaken debtAdded purchase { id status refundedAt } }
  ... on NotRefundable { status }
  ... on RefundFailed { providerReason }
  ... on UserError { code message } } }"""
REPAY = """mutation P($input: RepayDebtInput!) { repayDebt(input: $input) {
  __typename ... on DebtRepaid { repaid debt balance replayed } ... on UserError { code } } }"""
DEBT = "{ me { gold goldDebt } }"
GAMES = {
    "slotSpin": "slotSpin(input: {stake: 10}) { __typename ... on InDebt { code debt } }",
    "diceRoll": "diceRoll(input: {stake: 10, chance: 50, direction: UNDER}) "
    "{ __typename ... on InDebt { code debt } }",
    "rpsPlay": "rpsPlay(input: {stake: 10, move: ROCK}) { __typename ... on InDebt { code debt } }",
    "gachaPull": "gachaPull(input: {count: ONE, payWith: GOLD}) "
    "{ __typename ... on InDebt { code debt } }",
    "wheelSpin": "wheelSpin(input: {}) { __typename ... on InDebt { code debt } }",
    "crashBet": "crashBet(input: {stake: 10}) { __typename ... on InDebt { code debt } }",
}


async def refund(api: Api, admin: str, transaction_id: str, reason: str = "chargeback") -> Any:
    variables = {"input": {"transactionId": transaction_id, "reason": reason}}
    return (await api.data(REFUND, variables, token=admin))["refundPurchase"]


async def player(api: Api) -> tuple[str, str]:
    signed = await api.new_player()
    return signed["accessToken"], signed["user"]["id"]


async def audit_rows(app: Starlette, purchase_id: str) -> int:
    async with services_of(app).sessionmaker() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(AuditLog)
            .where(
                AuditLog.action == "PURCHASE_REFUND", AuditLog.target == f"purchase:{purchase_id}"
            )
        )
    return int(count or 0)


async def ledger_of(api: Api, token: str) -> list[tuple[str, int]]:
    edges = (await api.data(LEDGER, token=token))["me"]["ledger"]["edges"]
    return [(e["node"]["reason"], e["node"]["amount"]) for e in edges][::-1]


async def test_a_refund_reverses_the_grant_in_the_ledger(
    api: Api, app: Starlette, admin_token: str
) -> None:
    token, _ = await player(api)
    bought = await buy(api, token, sku="value")
    purchase_id = bought["receipt"]["transactionId"]
    result = await refund(api, admin_token, purchase_id, "customer asked")
    assert result["__typename"] == "PurchaseRefunded", result
    assert (result["goldTaken"], result["debtAdded"]) == (22_000, 0)
    assert result["purchase"]["status"] == "REFUNDED" and result["purchase"]["refundedAt"]
    assert await ledger_of(api, token) == [
        ("SIGNUP_BONUS", 1_000),
        ("PURCHASE", 22_000),
        ("PURCHASE_REFUND", -22_000),
    ]
    assert await api.data(DEBT, token=token) == {"me": {"gold": START_GOLD, "goldDebt": 0}}
    [record] = await purchases_of(api, token)
    assert record["status"] == "REFUNDED"
    assert await audit_rows(app, purchase_id) == 1
    again = await refund(api, admin_token, purchase_id)
    assert (again["__typename"], again["status"]) == ("NotRefundable", "REFUNDED")
    assert await audit_rows(app, purchase_id) == 1
    await books_balance(app)


async def test_what_the_balance_cannot_cover_becomes_debt_that_stops_play(
    api: Api, app: Starlette, admin_token: str
) -> None:
    token, user_id = await player(api)
    purchase_id = (await buy(api, token, sku="value"))["receipt"]["transactionId"]
    await grant_gold(app, user_id, -20_000)  # spent most of it: 3,000 left
    result = await refund(api, admin_token, purchase_id)
    assert (result["goldTaken"], result["debtAdded"]) == (3_000, 19_000)
    assert await api.data(DEBT, token=token) == {"me": {"gold": 0, "goldDebt": 19_000}}
    await grant_gold(app, user_id, 5_000)  # gold from elsewhere does not reopen play
    for name, selection in GAMES.items():
        answer = (await api.data(f"mutation {{ {selection} }}", token=token))[name]
        assert answer == {"__typename": "InDebt", "code": "IN_DEBT", "debt": 19_000}, name
    assert await gold_of(api, token) == 5_000  # nothing was played
    await books_balance(app)


async def test_a_purchase_repays_the_debt_first_then_play_resumes(
    api: Api, app: Starlette, admin_token: str
) -> None:
    token, user_id = await player(api)
    purchase_id = (await buy(api, token, sku="starter"))["receipt"]["transactionId"]
    await grant_gold(app, user_id, -6_000)
    await refund(api, admin_token, purchase_id)  # 0 taken, 5,000 owed
    assert await api.data(DEBT, token=token) == {"me": {"gold": 0, "goldDebt": 5_000}}
    await buy(api, token, sku="starter")  # its 5,000 repay the 5,000 owed
    assert await api.data(DEBT, token=token) == {"me": {"gold": 0, "goldDebt": 0}}
    assert (await ledger_of(api, token))[-2:] == [("PURCHASE", 5_000), ("DEBT_REPAYMENT", -5_000)]
    await buy(api, token, sku="value")
    spun = (await api.data(SPIN, {"input": {"stake": 10}}, token=token))["slotSpin"]
    assert spun["__typename"] == "SlotSpinSuccess"
    await books_balance(app)


async def test_repay_debt_pays_from_the_balance_as_far_as_it_goes(
    api: Api, app: Starlette, admin_token: str
) -> None:
    token, user_id = await player(api)
    purchase_id = (await buy(api, token, sku="starter"))["receipt"]["transactionId"]
    await grant_gold(app, user_id, -6_000)
    await refund(api, admin_token, purchase_id)  # 5,000 owed
    await grant_gold(app, user_id, 3_000)
    first = (await api.data(REPAY, {"input": {"idempotencyKey": "r1"}}, token=token))["repayDebt"]
    assert first == {
        "__typename": "DebtRepaid",
        "repaid": 3_000,
        "debt": 2_000,
        "balance": 0,
        "replayed": False,
    }
    replay = (await api.data(REPAY, {"input": {"idempotencyKey": "r1"}}, token=token))["repayDebt"]
    assert replay == {**first, "replayed": True}
    await grant_gold(app, user_id, 2_500)
    second = (await api.data(REPAY, {"input": {}}, token=token))["repayDebt"]
    assert (second["repaid"], second["debt"], second["balance"]) == (2_000, 0, 500)
    nothing = (await api.data(REPAY, {"input": {}}, token=token))["repayDebt"]
    assert (nothing["repaid"], nothing["debt"], nothing["balance"]) == (0, 0, 500)
    spun = (await api.data(SPIN, {"input": {"stake": 10}}, token=token))["slotSpin"]
    assert spun["__typename"] == "SlotSpinSuccess"
    await books_balance(app)


async def test_a_bet_placed_before_the_debt_is_still_replayed(
    api: Api, app: Starlette, admin_token: str
) -> None:
    token, user_id = await player(api)
    purchase_id = (await buy(api, token, sku="starter"))["receipt"]["transactionId"]
    first = await api.data(SPIN, {"input": {"stake": 10, "idempotencyKey": "b"}}, token=token)
    await grant_gold(app, user_id, -(await gold_of(api, token)))
    await refund(api, admin_token, purchase_id)
    again = await api.data(SPIN, {"input": {"stake": 10, "idempotencyKey": "b"}}, token=token)
    assert again["slotSpin"] == {**first["slotSpin"], "replayed": True}


async def test_simultaneous_refunds_take_the_gold_back_once(
    api: Api, app: Starlette, admin_token: str
) -> None:
    token, _ = await player(api)
    purchase_id = (await buy(api, token, sku="value"))["receipt"]["transactionId"]
    results = await asyncio.gather(*(refund(api, admin_token, purchase_id) for _ in range(5)))
    kinds = sorted(r["__typename"] for r in results)
    assert kinds == ["NotRefundable"] * 4 + ["PurchaseRefunded"]
    assert await gold_of(api, token) == START_GOLD
    assert [r for r, _ in await ledger_of(api, token)].count("PURCHASE_REFUND") == 1
    assert await audit_rows(app, purchase_id) == 1
    await books_balance(app)


async def test_only_a_succeeded_purchase_is_refundable(api: Api, admin_token: str) -> None:
    token, _ = await player(api)
    declined = await buy(api, token, card="tok_declined")
    pending = await buy(api, token, card="tok_pending")
    for transaction_id, status in (
        (declined["transactionId"], "FAILED"),
        (pending["transactionId"], "PENDING"),
    ):
        result = await refund(api, admin_token, transaction_id)
        assert (result["__typename"], result["status"]) == ("NotRefundable", status)
    for missing in ("999999999", "not-an-id", "-1", "9" * 40):
        assert (await refund(api, admin_token, missing))["__typename"] == "PurchaseNotFound"
    bought = await buy(api, token)
    for reason in ("", "   ", "x" * 501):
        answer = await refund(api, admin_token, bought["receipt"]["transactionId"], reason)
        assert answer["__typename"] == "ValidationFailed"


@pytest.mark.parametrize("who", ["player", "anonymous"])
async def test_refunds_are_for_operators_only(api: Api, app: Starlette, who: str) -> None:
    token, _ = await player(api)
    purchase_id = (await buy(api, token))["receipt"]["transactionId"]
    variables = {"input": {"transactionId": purchase_id, "reason": "mine"}}
    body = await api.execute(REFUND, variables, token=token if who == "player" else None)
    assert error_codes(body) == ["FORBIDDEN" if who == "player" else "UNAUTHENTICATED"]
    assert (await purchases_of(api, token))[0]["status"] == "SUCCEEDED"
    assert await audit_rows(app, purchase_id) == 0


async def test_a_refund_takes_the_spend_off_the_lifetime_total(
    api: Api, app: Starlette, admin_token: str
) -> None:
    token, user_id = await player(api)
    purchase_id = (await buy(api, token, sku="premium"))["receipt"]["transactionId"]
    await refund(api, admin_token, purchase_id)
    async with services_of(app).sessionmaker() as session:
        spend = await session.scalar(
            select(User.lifetime_spend_cents).where(User.id == row_id(user_id))
        )
    assert spend == 0
