"""Refunds when the provider misbehaves (SPEC §7.7): a refund is two-phase — marked
REFUND_PENDING before the provider is asked, finished by the refund job when the
answer never came — and the provider's own `payment.refunded` and `dispute.created`
take the grant back through the ledger like an operator's refund, once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select
from starlette.applications import Starlette

from casino_club.clock import FrozenClock
from casino_club.config import Settings
from casino_club.payments.gateway import PaymentState
from casino_club.persistence.models import AuditLog
from casino_club.resolvers.payment_settlement import sweep_stale
from casino_club.resolvers.refunds import finish_pending
from tests.integration.shop.support import buy, purchases_of, sandbox_of, services_of
from tests.integration.shop.test_payment_webhooks import deliver, event, now_of
from tests.integration.shop.test_refunds import DEBT, audit_rows, ledger_of, player, refund
from tests.support import Api, grant_gold, row_id

START_GOLD = 1_000


def ref(purchase_id: str) -> str:
    return f"purchase:{purchase_id}"


async def refund_actors(app: Starlette, purchase_id: str) -> list[int | None]:
    async with services_of(app).sessionmaker() as session:
        rows = await session.scalars(
            select(AuditLog.actor_id).where(
                AuditLog.action == "PURCHASE_REFUND", AuditLog.target == ref(purchase_id)
            )
        )
        return list(rows)


async def test_a_refund_whose_answer_never_came_is_pending_and_the_job_finishes_it_once(
    api: Api, app: Starlette, admin_token: str, clock: FrozenClock
) -> None:
    token, _ = await player(api)
    purchase_id = (await buy(api, token, sku="value"))["receipt"]["transactionId"]
    sandbox = sandbox_of(app)
    sandbox.lose_answers(ref(purchase_id))  # the provider refunds; we never hear it
    answer = await refund(api, admin_token, purchase_id, "customer asked")
    assert (answer["__typename"], answer["providerReason"]) == ("RefundFailed", "gateway_timeout")
    [record] = await purchases_of(api, token)
    assert record["status"] == "REFUND_PENDING"  # not SUCCEEDED with the money gone
    payment = sandbox.payment_for(ref(purchase_id))
    assert payment is not None and payment.state == PaymentState.REFUNDED
    sandbox.reachable(ref(purchase_id))
    services = services_of(app)
    assert await finish_pending(services) == 0  # its retry is not due yet
    clock.advance(timedelta(seconds=services.settings.refund_retry_seconds + 1))
    finished = await asyncio.gather(*(finish_pending(services) for _ in range(20)))
    assert sum(finished) == 1
    [record] = await purchases_of(api, token)
    assert record["status"] == "REFUNDED"
    assert await api.data(DEBT, token=token) == {"me": {"gold": START_GOLD, "goldDebt": 0}}
    assert [r for r, _ in await ledger_of(api, token)].count("PURCHASE_REFUND") == 1
    admin_id = row_id((await api.data("{ me { id } }", token=admin_token))["me"]["id"])
    assert await refund_actors(app, purchase_id) == [admin_id]


async def test_a_refunds_retries_do_not_inherit_the_sweepers_back_off(
    api: Api, app: Starlette, admin_token: str, clock: FrozenClock
) -> None:
    """A purchase the sweeper asked about unanswered many times, then paid: its refund's
    retry waits the refund's own back-off, not the hour the sweeper's count had reached
    (the buyer would hold the money and the gold meanwhile)."""
    token, _ = await player(api)
    purchase_id = (await buy(api, token, card="tok_pending"))["transactionId"]
    sandbox, services = sandbox_of(app), services_of(app)
    settings = services.settings
    sandbox.unreachable(ref(purchase_id))
    clock.advance(timedelta(seconds=settings.purchase_stale_seconds))
    for checks in range(4):  # unanswered sweeps: the purchase's back-off grows (4 min)
        clock.advance(timedelta(seconds=settings.purchase_check_backoff_seconds * 2**checks))
        await sweep_stale(services)
    sandbox.reachable(ref(purchase_id))
    sandbox.capture_late(ref(purchase_id))
    await sweep_stale(services)  # not due yet: its next check is 4 minutes away
    clock.advance(timedelta(seconds=settings.purchase_check_backoff_seconds * 2**4))
    await sweep_stale(services)
    [record] = await purchases_of(api, token)
    assert record["status"] == "SUCCEEDED"
    sandbox.lose_answers(ref(purchase_id))
    answer = await refund(api, admin_token, purchase_id, "customer asked")
    assert (answer["__typename"], answer["providerReason"]) == ("RefundFailed", "gateway_timeout")
    clock.advance(timedelta(seconds=settings.refund_retry_seconds + 1))
    assert await finish_pending(services) == 0  # unanswered again: retried later
    sandbox.reachable(ref(purchase_id))
    clock.advance(timedelta(seconds=2 * settings.refund_retry_seconds + 1))
    assert await finish_pending(services) == 1
    assert await api.data(DEBT, token=token) == {"me": {"gold": START_GOLD, "goldDebt": 0}}


async def test_a_refund_the_provider_refuses_leaves_the_purchase_paid(
    api: Api, app: Starlette, admin_token: str, settings: Settings, clock: FrozenClock
) -> None:
    token, _ = await player(api)
    purchase_id = (await buy(api, token, sku="value"))["receipt"]["transactionId"]
    sandbox_of(app).dispute(ref(purchase_id))  # the money is no longer there to refund
    answer = await refund(api, admin_token, purchase_id)
    assert (answer["__typename"], answer["providerReason"]) == ("RefundFailed", "not_refundable")
    [record] = await purchases_of(api, token)
    assert record["status"] == "SUCCEEDED"
    # The chargeback's own webhook is what takes the grant back.
    back = await deliver(api, event(purchase_id, "dispute.created"), settings, now_of(clock))
    assert back.json() == {"status": "processed", "purchaseStatus": "REFUNDED"}
    assert await refund_actors(app, purchase_id) == [None]


@pytest.mark.parametrize("kind", ["payment.refunded", "dispute.created"])
async def test_the_providers_refund_or_chargeback_takes_the_grant_back_once(
    api: Api, app: Starlette, settings: Settings, clock: FrozenClock, kind: str
) -> None:
    token, user_id = await player(api)
    purchase_id = (await buy(api, token, sku="value"))["receipt"]["transactionId"]
    await grant_gold(app, user_id, -20_000)  # spent most of it: 3,000 left
    body = event(purchase_id, kind)
    early = await deliver(api, body, settings, now_of(clock))  # the money is not back yet
    assert early.json() == {"status": "ignored"}
    sandbox = sandbox_of(app)
    if kind == "payment.refunded":
        sandbox.refund_at_provider(ref(purchase_id))
    else:
        sandbox.dispute(ref(purchase_id))
    # Twenty deliveries of one event and of another about the same refund, at once.
    bodies = [event(purchase_id, kind) for _ in range(10)] + [event(purchase_id, kind)] * 10
    answers = await asyncio.gather(
        *(deliver(api, each, settings, now_of(clock)) for each in bodies)
    )
    statuses = sorted(a.json()["status"] for a in answers)
    assert statuses.count("processed") == 1, statuses
    assert set(statuses) <= {"processed", "duplicate", "ignored"}
    assert await api.data(DEBT, token=token) == {"me": {"gold": 0, "goldDebt": 19_000}}
    assert [r for r, _ in await ledger_of(api, token)].count("PURCHASE_REFUND") == 1
    [record] = await purchases_of(api, token)
    assert record["status"] == "REFUNDED"
    assert await refund_actors(app, purchase_id) == [None]  # the provider's, audited
    assert await audit_rows(app, purchase_id) == 1


VERIFY = """query V($input: VerifyReceiptInput!) { verifyReceipt(input: $input) {
  valid authentic status receipt { code status } } }"""


async def test_a_refunded_purchases_receipt_says_refunded_and_is_no_longer_valid(
    api: Api, admin_token: str
) -> None:
    token, _ = await player(api)
    bought = await buy(api, token, sku="value")
    good = {"code": bought["receipt"]["code"], "signature": bought["receipt"]["signature"]}
    before = (await api.data(VERIFY, {"input": good}, token=token))["verifyReceipt"]
    assert before == {
        "valid": True,
        "authentic": True,
        "status": "SUCCEEDED",
        "receipt": {"code": good["code"], "status": "SUCCEEDED"},
    }
    refunded = await refund(api, admin_token, bought["receipt"]["transactionId"])
    assert refunded["__typename"] == "PurchaseRefunded"
    after = (await api.data(VERIFY, {"input": good}, token=token))["verifyReceipt"]
    assert after == {
        "valid": False,
        "authentic": True,
        "status": "REFUNDED",
        "receipt": {"code": good["code"], "status": "REFUNDED"},
    }
