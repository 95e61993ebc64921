"""A misbehaving payment provider (SPEC §7.7), played by the real sandbox gateway told to
hold authorizations back, go silent about one purchase or capture late: our record
decides and the provider confirms; a timeout is "unknown"; money that arrives after a
purchase gave up goes back, recorded and counted. After each test: captured at the
provider ⇔ granted or refunded (conftest)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from starlette.applications import Starlette

from casino_club.clock import FrozenClock
from casino_club.config import Settings
from casino_club.payments.gateway import PaymentState
from casino_club.payments.sandbox import Pause
from casino_club.persistence.models import AuditLog
from casino_club.resolvers.payment_settlement import sweep_stale
from tests.conftest import Backend, api_for, running_app
from tests.integration.shop.support import (
    buy,
    gold_of,
    provider_agrees,
    purchases_of,
    sandbox_of,
    services_of,
)
from tests.integration.shop.test_payment_webhooks import deliver, event, now_of
from tests.integration.shop.test_refunds import refund
from tests.support import Api, any_row_id, books_balance

START_GOLD = 1_000


class OwnApp:
    """A test's own app, configured for it."""

    def __init__(self, app: Starlette, api: Api, settings: Settings) -> None:
        self.app, self.api, self.settings = app, api, settings


@pytest.fixture
async def patient(backend: Backend, clock: FrozenClock) -> AsyncIterator[OwnApp]:
    """An app whose client waits long for the provider: a held authorization is still
    in flight while the test acts."""
    settings = backend.settings(payment_timeout_seconds=60)
    async with running_app(settings, clock) as app, api_for(app) as api:
        yield OwnApp(app, api, settings)
        await books_balance(app)
        await provider_agrees(app)


async def player(api: Api) -> str:
    token: str = (await api.new_player())["accessToken"]
    return token


def ref(purchase_id: str | int) -> str:
    return f"purchase:{any_row_id(purchase_id)}"


def provider_state(app: Starlette, purchase_id: str | int) -> PaymentState | None:
    payment = sandbox_of(app).payment_for(ref(purchase_id))
    return None if payment is None else payment.state


@dataclass
class Held:
    """A tok_ok purchase whose authorization the provider holds back."""

    request: asyncio.Task[dict[str, Any]]
    purchase_id: str
    pause: Pause

    async def released(self) -> dict[str, Any]:
        """The buyer's answer once the provider answers."""
        self.pause.release()
        return await asyncio.wait_for(self.request, 10)


async def held_purchase(p: OwnApp, token: str) -> Held:
    pause = sandbox_of(p.app).pause_authorizations()
    task = asyncio.create_task(buy(p.api, token))
    await asyncio.wait_for(pause.entered.wait(), 10)
    return Held(task, pause.references[0].removeprefix("purchase:"), pause)


async def late_audits(app: Starlette, purchase_id: str | int) -> int:
    async with services_of(app).sessionmaker() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(AuditLog)
            .where(
                AuditLog.action == "PAYMENT_LATE_CAPTURE_REFUNDED",
                AuditLog.target == ref(purchase_id),
            )
        )
    return int(count or 0)


async def metric(api: Api, outcome: str) -> float:
    text = (await api.client.get("/metrics")).text
    line = f'payments_late_total{{outcome="{outcome}"}} '
    found = [float(row.removeprefix(line)) for row in text.splitlines() if row.startswith(line)]
    return found[0] if found else 0.0


# -- 9: captured after voided ----------------------------------------------------------


async def test_a_purchase_that_expires_while_authorize_is_in_flight_is_never_captured(
    patient: OwnApp, clock: FrozenClock
) -> None:
    token = await player(patient.api)
    held = await held_purchase(patient, token)
    purchase_id = held.purchase_id
    clock.advance(timedelta(minutes=6))
    await sweep_stale(services_of(patient.app))  # asks by reference: nothing made yet
    [record] = await purchases_of(patient.api, token)
    assert (record["status"], record["failureReason"]) == ("VOIDED", "STALE_AUTO_VOID")
    result = await held.released()
    assert (result["__typename"], result["reason"]) == ("PaymentDeclined", "STALE_AUTO_VOID")
    assert provider_state(patient.app, purchase_id) == PaymentState.VOIDED  # not CAPTURED
    assert await gold_of(patient.api, token) == START_GOLD


async def test_a_failure_webhook_during_authorize_leaves_nothing_captured(
    patient: OwnApp, clock: FrozenClock
) -> None:
    token = await player(patient.api)
    held = await held_purchase(patient, token)
    purchase_id = held.purchase_id
    answer = await deliver(
        patient.api, event(purchase_id, "payment.failed"), patient.settings, now_of(clock)
    )
    assert answer.json() == {"status": "processed", "purchaseStatus": "FAILED"}
    result = await held.released()
    assert (result["__typename"], result["reason"]) == ("PaymentDeclined", "GATEWAY_ERROR")
    assert provider_state(patient.app, purchase_id) == PaymentState.VOIDED
    assert await gold_of(patient.api, token) == START_GOLD


# -- 10 and 12: a signed success is confirmed with the provider --------------------------


async def test_a_success_naming_a_payment_never_issued_grants_nothing(
    patient: OwnApp, clock: FrozenClock
) -> None:
    token = await player(patient.api)
    held = await held_purchase(patient, token)
    purchase_id = held.purchase_id
    for body in (event(purchase_id, paymentId="pay_sandbox_forged"), event(purchase_id)):
        answer = await deliver(patient.api, body, patient.settings, now_of(clock))
        assert (answer.status_code, answer.json()) == (200, {"status": "ignored"})
    assert await gold_of(patient.api, token) == START_GOLD
    [record] = await purchases_of(patient.api, token)
    assert record["status"] == "PENDING"
    result = await held.released()
    assert result["__typename"] == "PurchaseSucceeded", result
    assert await gold_of(patient.api, token) == START_GOLD + 5_000


async def test_a_success_for_a_payment_still_pending_at_the_provider_grants_nothing(
    api: Api, app: Starlette, settings: Settings, clock: FrozenClock
) -> None:
    token = await player(api)
    pending = await buy(api, token, card="tok_pending", key="p")
    purchase_id = pending["transactionId"]
    payment = sandbox_of(app).payment_for(ref(purchase_id))
    assert payment is not None
    body = event(purchase_id, paymentId=payment.payment_id)
    answer = await deliver(api, body, settings, now_of(clock))
    assert (answer.status_code, answer.json()) == (200, {"status": "ignored"})
    assert await gold_of(api, token) == START_GOLD


async def test_a_confirmed_success_without_a_payment_id_grants_and_stays_refundable(
    api: Api, app: Starlette, settings: Settings, clock: FrozenClock, admin_token: str
) -> None:
    token = await player(api)
    purchase_id = (await buy(api, token, card="tok_pending", key="p"))["transactionId"]
    sandbox_of(app).capture_late(ref(purchase_id))  # 3-D Secure passed at the provider
    answer = await deliver(api, event(purchase_id), settings, now_of(clock))
    assert answer.json() == {"status": "processed", "purchaseStatus": "SUCCEEDED"}
    assert await gold_of(api, token) == START_GOLD + 5_000
    refunded = await refund(api, admin_token, purchase_id)
    assert refunded["__typename"] == "PurchaseRefunded", refunded
    assert provider_state(app, purchase_id) == PaymentState.REFUNDED
    assert await gold_of(api, token) == START_GOLD


async def test_a_success_naming_another_purchases_payment_is_acknowledged_unchanged(
    patient: OwnApp, clock: FrozenClock
) -> None:
    other = await player(patient.api)
    paid = await buy(patient.api, other)
    their_payment = sandbox_of(patient.app).payment_for(ref(paid["receipt"]["transactionId"]))
    assert their_payment is not None
    token = await player(patient.api)
    held = await held_purchase(patient, token)
    purchase_id = held.purchase_id  # no payment id yet
    body = event(purchase_id, paymentId=their_payment.payment_id)
    answer = await deliver(patient.api, body, patient.settings, now_of(clock))
    assert (answer.status_code, answer.json()) == (200, {"status": "ignored"})
    assert await gold_of(patient.api, token) == START_GOLD
    assert (await held.released())["__typename"] == "PurchaseSucceeded"
    assert await gold_of(patient.api, token) == START_GOLD + 5_000


async def test_confirmed_webhooks_and_sweeps_racing_grant_exactly_once(
    api: Api, app: Starlette, settings: Settings, clock: FrozenClock
) -> None:
    token = await player(api)
    purchase_id = (await buy(api, token, card="tok_pending", key="p"))["transactionId"]
    sandbox_of(app).capture_late(ref(purchase_id))
    clock.advance(timedelta(minutes=6))  # stale too: the sweeper races the webhooks
    services = services_of(app)
    deliveries = [deliver(api, event(purchase_id), settings, now_of(clock)) for _ in range(10)]
    sweeps = [sweep_stale(services) for _ in range(10)]
    answers, _ = await asyncio.gather(asyncio.gather(*deliveries), asyncio.gather(*sweeps))
    assert {a.status_code for a in answers} == {200}
    [record] = await purchases_of(api, token)
    assert record["status"] == "SUCCEEDED"
    assert await gold_of(api, token) == START_GOLD + 5_000


# -- 11: a timeout is unknown; late money goes back ------------------------------------


async def test_an_unanswered_authorize_stays_pending_and_the_sweeper_asks_by_reference(
    api: Api, app: Starlette, clock: FrozenClock
) -> None:
    token = await player(api)
    sandbox = sandbox_of(app)
    pause = sandbox.pause_authorizations()  # every try of authorize times out
    task = asyncio.create_task(buy(api, token))
    # A hang guard, not a stopwatch: sign-up and the purchase's first steps come first.
    await asyncio.wait_for(pause.entered.wait(), 30)
    reference = pause.references[0]
    sandbox.unreachable(reference)  # and asking by reference gets no answer either
    result = await asyncio.wait_for(task, 30)
    assert result["__typename"] == "PurchasePending", result
    # The authorization went through at the provider after all; the sweeper finds it.
    sandbox.reachable(reference)
    pause.release()
    sandbox.capture_late(reference)
    clock.advance(timedelta(minutes=6))
    await sweep_stale(services_of(app))
    [record] = await purchases_of(api, token)
    assert record["status"] == "SUCCEEDED"
    assert await gold_of(api, token) == START_GOLD + 5_000


async def test_a_capture_after_the_sweeper_voided_is_refunded_and_recorded(
    api: Api, app: Starlette, settings: Settings, clock: FrozenClock
) -> None:
    token = await player(api)
    purchase_id = (await buy(api, token, card="tok_pending", key="p"))["transactionId"]
    clock.advance(timedelta(minutes=6))
    await sweep_stale(services_of(app))
    payment_id = sandbox_of(app).capture_late(ref(purchase_id))  # captured all the same
    body = event(purchase_id, paymentId=payment_id)
    answer = await deliver(api, body, settings, now_of(clock))
    assert (answer.status_code, answer.json()) == (200, {"status": "ignored"})
    assert provider_state(app, purchase_id) == PaymentState.REFUNDED
    [record] = await purchases_of(api, token)
    assert (record["status"], record["failureReason"]) == ("VOIDED", "LATE_CAPTURE_REFUNDED")
    assert await late_audits(app, purchase_id) == 1
    assert await metric(api, "refunded") == 1.0
    assert await gold_of(api, token) == START_GOLD


async def test_a_late_capture_after_an_authorize_timeout_is_refunded_once_under_twenty_deliveries(
    api: Api, app: Starlette, settings: Settings, clock: FrozenClock
) -> None:
    token = await player(api)
    failed = await buy(api, token, card="tok_timeout")  # the provider says it made none
    assert (failed["__typename"], failed["reason"]) == ("PaymentDeclined", "GATEWAY_TIMEOUT")
    purchase_id = failed["transactionId"]
    payment_id = sandbox_of(app).capture_late(ref(purchase_id))  # it did, after all
    answers = await asyncio.gather(
        *(
            deliver(api, event(purchase_id, paymentId=payment_id), settings, now_of(clock))
            for _ in range(20)
        )
    )
    assert {(a.status_code, a.json()["status"]) for a in answers} == {(200, "ignored")}
    assert provider_state(app, purchase_id) == PaymentState.REFUNDED
    [record] = await purchases_of(api, token)
    assert (record["status"], record["failureReason"]) == ("FAILED", "LATE_CAPTURE_REFUNDED")
    assert await late_audits(app, purchase_id) == 1
    assert await metric(api, "refunded") == 1.0
    assert await gold_of(api, token) == START_GOLD


async def test_a_late_capture_the_provider_would_not_refund_is_asked_again_until_it_does(
    api: Api, app: Starlette, settings: Settings, clock: FrozenClock
) -> None:
    """Money must not stay with us because one refund went unanswered: the late payment
    is kept on the purchase and each sweep asks again (with its back-off) until the
    provider has given it back."""
    services = services_of(app)
    token = await player(api)
    purchase_id = (await buy(api, token, card="tok_pending", key="p"))["transactionId"]
    clock.advance(timedelta(minutes=6))
    await sweep_stale(services)  # voided, STALE_AUTO_VOID
    sandbox = sandbox_of(app)
    payment_id = sandbox.capture_late(ref(purchase_id))
    sandbox.refuse_refunds(ref(purchase_id))  # the refund of the late capture is declined
    answer = await deliver(api, event(purchase_id, paymentId=payment_id), settings, now_of(clock))
    assert answer.status_code == 503
    assert provider_state(app, purchase_id) == PaymentState.CAPTURED
    assert await metric(api, "unresolved") == 1.0
    sandbox.allow_refunds(ref(purchase_id))
    await sweep_stale(services)  # not due yet: its back-off has not passed
    assert provider_state(app, purchase_id) == PaymentState.CAPTURED
    clock.advance(timedelta(seconds=settings.purchase_check_backoff_seconds))
    await sweep_stale(services)
    assert provider_state(app, purchase_id) == PaymentState.REFUNDED
    [record] = await purchases_of(api, token)
    assert (record["status"], record["failureReason"]) == ("VOIDED", "LATE_CAPTURE_REFUNDED")
    assert await late_audits(app, purchase_id) == 1
    assert await gold_of(api, token) == START_GOLD
    asked = sandbox.calls_about(ref(purchase_id))  # nothing is owed: asked about no more
    clock.advance(timedelta(hours=1))
    await sweep_stale(services)
    assert sandbox.calls_about(ref(purchase_id)) == asked


async def test_a_late_refund_whose_answer_was_lost_is_recorded_at_the_next_sweep(
    api: Api, app: Starlette, settings: Settings, clock: FrozenClock
) -> None:
    services = services_of(app)
    token = await player(api)
    purchase_id = (await buy(api, token, card="tok_pending", key="p"))["transactionId"]
    clock.advance(timedelta(minutes=6))
    await sweep_stale(services)
    sandbox = sandbox_of(app)
    payment_id = sandbox.capture_late(ref(purchase_id))
    sandbox.lose_answers(ref(purchase_id))  # the refund is made; its answer never comes
    answer = await deliver(api, event(purchase_id, paymentId=payment_id), settings, now_of(clock))
    assert answer.status_code == 503
    assert provider_state(app, purchase_id) == PaymentState.REFUNDED
    sandbox.reachable(ref(purchase_id))
    clock.advance(timedelta(seconds=settings.purchase_check_backoff_seconds))
    await sweep_stale(services)
    [record] = await purchases_of(api, token)
    assert (record["status"], record["failureReason"]) == ("VOIDED", "LATE_CAPTURE_REFUNDED")
    assert await late_audits(app, purchase_id) == 1


# -- 15: a fair sweeper -----------------------------------------------------------------


@pytest.fixture
async def small_sweeps(backend: Backend, clock: FrozenClock) -> AsyncIterator[OwnApp]:
    """An app whose sweeper takes two purchases a pass (the default is 100)."""
    settings = backend.settings(purchase_sweep_batch=2)
    async with running_app(settings, clock) as app, api_for(app) as api:
        yield OwnApp(app, api, settings)
        await books_balance(app)
        await provider_agrees(app)


async def test_purchases_the_provider_does_not_answer_about_never_hold_up_newer_ones(
    small_sweeps: OwnApp, clock: FrozenClock
) -> None:
    app, api = small_sweeps.app, small_sweeps.api
    sandbox = sandbox_of(app)
    token = await player(api)
    silent = [(await buy(api, token, card="tok_pending"))["transactionId"] for _ in range(2)]
    for purchase_id in silent:
        sandbox.unreachable(ref(purchase_id))
    clock.advance(timedelta(seconds=10))
    newer = (await buy(api, token, card="tok_pending"))["transactionId"]
    clock.advance(timedelta(minutes=6))
    services = services_of(app)
    # (The database is shared by a run's tests: other tests' stale purchases, older than
    # these, may come first; each pass settles or defers what it takes.)
    for _ in range(PASSES):
        await sweep_stale(services)
        if (await statuses_of(api, token))[newer] != "PENDING":
            break
    statuses = await statuses_of(api, token)
    assert statuses[newer] == "VOIDED"  # reached, past the two the provider is silent on
    assert [statuses[s] for s in silent] == ["PENDING", "PENDING"]
    # Until their back-off ends, further passes do not ask about them again.
    asked = [sandbox.calls_about(ref(s)) for s in silent]
    for _ in range(3):
        await sweep_stale(services)
    assert [sandbox.calls_about(ref(s)) for s in silent] == asked
    # Once their back-off is over, and the provider answers again, they are settled.
    for purchase_id in silent:
        sandbox.reachable(ref(purchase_id))
    clock.advance(timedelta(seconds=services.settings.purchase_check_backoff_seconds))
    for _ in range(PASSES):
        await sweep_stale(services)
    statuses = await statuses_of(api, token)
    assert [statuses[s] for s in silent] == ["VOIDED", "VOIDED"]


PASSES = 10


async def statuses_of(api: Api, token: str) -> dict[str, str]:
    return {p["id"]: p["status"] for p in await purchases_of(api, token)}


async def test_a_failure_the_provider_contradicts_changes_nothing(
    api: Api, app: Starlette, settings: Settings, clock: FrozenClock
) -> None:
    token = await player(api)
    purchase_id = (await buy(api, token, card="tok_pending", key="p"))["transactionId"]
    sandbox_of(app).capture_late(ref(purchase_id))  # paid at the provider
    answer = await deliver(api, event(purchase_id, "payment.failed"), settings, now_of(clock))
    assert (answer.status_code, answer.json()) == (200, {"status": "ignored"})
    [record] = await purchases_of(api, token)
    assert record["status"] == "PENDING"  # not FAILED with the money taken
    settled = await buy(api, token, card="tok_pending", key="p")
    assert settled["__typename"] == "PurchaseSucceeded", settled


# -- 17: a refund the provider reports while our grant is still on its way ---------------


async def test_a_refund_reported_before_the_grant_lands_is_not_lost(
    patient: OwnApp, clock: FrozenClock
) -> None:
    """The capture went through but its answer is still on its way when the provider
    refunds it (its dashboard) and reports so: the purchase is still PENDING, so the
    event cannot take a grant back yet. It must not be consumed as "ignored" — the
    buyer's request then grants, and the money would be back with the buyer and the
    gold kept. 503 until the grant has landed; the redelivery takes it back."""
    token = await player(patient.api)
    sandbox = sandbox_of(patient.app)
    pause = sandbox.pause_capture_answers()
    request = asyncio.create_task(buy(patient.api, token))
    await asyncio.wait_for(pause.entered.wait(), 10)
    purchase_id = pause.references[0].removeprefix("purchase:")
    sandbox.refund_at_provider(ref(purchase_id))
    body = event(purchase_id, "payment.refunded")
    early = await deliver(patient.api, body, patient.settings, now_of(clock))
    assert early.status_code == 503, early.text
    pause.release()
    bought = await asyncio.wait_for(request, 10)
    assert bought["__typename"] == "PurchaseSucceeded", bought  # the answer it got
    again = await deliver(patient.api, body, patient.settings, now_of(clock))
    assert again.json() == {"status": "processed", "purchaseStatus": "REFUNDED"}
    assert await gold_of(patient.api, token) == START_GOLD
    [record] = await purchases_of(patient.api, token)
    assert record["status"] == "REFUNDED"


async def test_an_answer_arriving_after_the_webhook_granted_does_not_refund_the_grant(
    patient: OwnApp, clock: FrozenClock
) -> None:
    """The provider captured while our authorize's answer was still on its way, and its
    webhook granted the purchase: the answer arriving then is about the purchase's own,
    granted payment — not a late one to give back (the buyer would keep the gold and get
    the money back)."""
    token = await player(patient.api)
    held = await held_purchase(patient, token)
    purchase_id = held.purchase_id
    sandbox_of(patient.app).capture_late(ref(purchase_id))
    answer = await deliver(patient.api, event(purchase_id), patient.settings, now_of(clock))
    assert answer.json() == {"status": "processed", "purchaseStatus": "SUCCEEDED"}
    result = await held.released()
    assert result["__typename"] == "PurchaseSucceeded", result
    assert provider_state(patient.app, purchase_id) == PaymentState.CAPTURED  # not refunded
    assert await gold_of(patient.api, token) == START_GOLD + 5_000
    assert await metric(patient.api, "refunded") == 0.0


@pytest.fixture
async def one_try(backend: Backend, clock: FrozenClock) -> AsyncIterator[OwnApp]:
    """An app whose client asks the provider once, waiting up to two seconds: a held
    answer is still in flight while the test acts, a silent provider fails fast."""
    settings = backend.settings(payment_timeout_seconds=2, payment_tries=1)
    async with running_app(settings, clock) as app, api_for(app) as api:
        yield OwnApp(app, api, settings)
        await books_balance(app)
        await provider_agrees(app)


async def test_a_late_capture_a_webhook_could_not_give_back_is_redelivered(
    one_try: OwnApp, clock: FrozenClock
) -> None:
    """A `payment.failed` (confirmed while the payment was still pending) and a
    `payment.succeeded` (confirmed once it was captured) cross: the success finds the
    purchase FAILED and must give the capture back — and while the provider does not
    answer that refund, the event is not acknowledged, so it comes again."""
    api, settings = one_try.api, one_try.settings
    sandbox = sandbox_of(one_try.app)
    token = await player(api)
    purchase_id = (await buy(api, token, card="tok_pending", key="p"))["transactionId"]
    held_failure = sandbox.pause_next_status_answer()
    failure = asyncio.create_task(
        deliver(api, event(purchase_id, "payment.failed"), settings, now_of(clock))
    )
    await asyncio.wait_for(held_failure.entered.wait(), 5)  # confirmed: still pending
    sandbox.capture_late(ref(purchase_id))
    held_success = sandbox.pause_next_status_answer()
    success_body = event(purchase_id)
    success = asyncio.create_task(deliver(api, success_body, settings, now_of(clock)))
    await asyncio.wait_for(held_success.entered.wait(), 5)  # confirmed: captured
    held_failure.release()
    failed = await asyncio.wait_for(failure, 5)
    assert failed.json() == {"status": "processed", "purchaseStatus": "FAILED"}
    sandbox.unreachable(ref(purchase_id))  # the refund of the late capture goes unanswered
    held_success.release()
    unresolved = await asyncio.wait_for(success, 10)
    assert unresolved.status_code == 503, unresolved.text  # not acknowledged: redelivered
    sandbox.reachable(ref(purchase_id))
    again = await deliver(api, success_body, settings, now_of(clock))
    assert (again.status_code, again.json()) == (200, {"status": "ignored"})
    assert provider_state(one_try.app, purchase_id) == PaymentState.REFUNDED
    [record] = await purchases_of(api, token)
    assert (record["status"], record["failureReason"]) == ("FAILED", "LATE_CAPTURE_REFUNDED")
    assert await gold_of(api, token) == START_GOLD
