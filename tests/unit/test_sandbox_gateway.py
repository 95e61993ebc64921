"""The sandbox provider's test tokens, through the client every call goes through
(timeouts and retries, SPEC §7.5). Timeouts here are real: tiny, but real."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import cast

import pytest

from casino_club.domain.payments import BackOff, FailureReason, PurchaseStatus
from casino_club.payments.client import Payments
from casino_club.payments.gateway import GatewayTimeout, PaymentState
from casino_club.payments.sandbox import SandboxGateway
from casino_club.resolvers.payment_settlement import advance, release
from casino_club.services import Services


def client(tries: int = 3) -> Payments:
    return Payments(SandboxGateway(), timeout_seconds=0.05, tries=tries, backoff_seconds=0.001)


async def authorize(payments: Payments, card: str, ref: str = "purchase:1") -> PaymentState:
    answer = await payments.authorize(token=card, amount_cents=499, currency="USD", reference=ref)
    return answer.state


async def test_tok_ok_authorizes_and_captures() -> None:
    payments = client()
    held = await payments.authorize(token="tok_ok", amount_cents=499, currency="USD", reference="r")
    assert held.state == PaymentState.AUTHORIZED and held.payment_id
    assert (await payments.capture(held.payment_id)).state == PaymentState.CAPTURED
    # Captured money can be refunded, once, up to what was taken; the same refund asked
    # again (its reference) is answered as done.
    too_much = await payments.refund(held.payment_id, 500, reference="refund:1")
    assert too_much.state == PaymentState.FAILED
    refunded = await payments.refund(held.payment_id, 499, reference="refund:1")
    assert refunded.state == PaymentState.REFUNDED
    again = await payments.refund(held.payment_id, 499, reference="refund:1")
    assert again.state == PaymentState.REFUNDED
    other = await payments.refund(held.payment_id, 499, reference="refund:2")
    assert other.state == PaymentState.FAILED


async def test_declined_and_unknown_tokens_hold_nothing() -> None:
    payments = client()
    declined = await payments.authorize(
        token="tok_declined", amount_cents=1, currency="USD", reference="a"
    )
    assert (declined.payment_id, declined.state, declined.reason) == (
        None,
        PaymentState.DECLINED,
        "card_declined",
    )
    unknown = await payments.authorize(
        token="4242424242424242", amount_cents=1, currency="USD", reference="b"
    )
    assert (unknown.state, unknown.reason) == (PaymentState.DECLINED, "invalid_token")


async def test_tok_capture_fail_authorizes_then_fails_capture_and_can_be_voided() -> None:
    payments = client()
    held = await payments.authorize(
        token="tok_capture_fail", amount_cents=1, currency="USD", reference="r"
    )
    assert held.state == PaymentState.AUTHORIZED and held.payment_id
    assert (await payments.capture(held.payment_id)).state == PaymentState.FAILED
    assert (await payments.void(held.payment_id)).state == PaymentState.VOIDED


async def test_tok_pending_is_captured_at_the_second_status_poll() -> None:
    payments = client()
    held = await payments.authorize(
        token="tok_pending", amount_cents=1, currency="USD", reference="r"
    )
    assert held.state == PaymentState.PENDING and held.payment_id
    assert (await payments.status(held.payment_id)).state == PaymentState.PENDING
    assert (await payments.status(held.payment_id)).state == PaymentState.CAPTURED
    assert (await payments.status(held.payment_id)).state == PaymentState.CAPTURED


async def test_tok_timeout_exhausts_every_try() -> None:
    with pytest.raises(GatewayTimeout):
        await authorize(client(tries=3), "tok_timeout")


async def test_tok_timeout_once_succeeds_on_the_retry_but_not_without_one() -> None:
    assert await authorize(client(tries=2), "tok_timeout_once") == PaymentState.AUTHORIZED
    with pytest.raises(GatewayTimeout):
        await authorize(client(tries=1), "tok_timeout_once")


async def test_the_reference_is_an_idempotency_key_one_hold_per_purchase() -> None:
    payments = client()
    first = await payments.authorize(token="tok_ok", amount_cents=1, currency="USD", reference="r")
    again = await payments.authorize(token="tok_ok", amount_cents=1, currency="USD", reference="r")
    other = await payments.authorize(token="tok_ok", amount_cents=1, currency="USD", reference="s")
    assert first.payment_id == again.payment_id != other.payment_id


class _Services:
    """What `advance` and `release` use of the services: the payments client."""

    def __init__(self, payments: Payments) -> None:
        self.payments = payments


async def test_a_late_poll_of_a_captured_payment_is_a_success_not_a_failure() -> None:
    payments = client()
    services = cast(Services, _Services(payments))
    held = await payments.authorize(token="tok_ok", amount_cents=1, currency="USD", reference="r")
    assert held.payment_id
    first = await advance(services, held)  # the buyer's request captures
    late = await advance(services, held)  # a poll that had read AUTHORIZED before
    assert first.status == late.status == PurchaseStatus.SUCCEEDED


async def test_a_failed_capture_is_failed_only_once_the_hold_is_released() -> None:
    payments = client()
    services = cast(Services, _Services(payments))
    held = await payments.authorize(
        token="tok_capture_fail", amount_cents=1, currency="USD", reference="r"
    )
    verdict = await advance(services, held)
    assert (verdict.status, verdict.reason) == (PurchaseStatus.FAILED, FailureReason.CAPTURE_FAILED)
    assert held.payment_id and (await payments.status(held.payment_id)).state == PaymentState.VOIDED


async def test_voiding_a_captured_payment_is_not_a_release() -> None:
    payments = client()
    services = cast(Services, _Services(payments))
    held = await payments.authorize(token="tok_ok", amount_cents=1, currency="USD", reference="r")
    assert held.payment_id
    await payments.capture(held.payment_id)
    assert await release(services, held.payment_id) is False


async def test_a_payment_is_found_by_our_reference_with_what_it_is_for() -> None:
    payments = client()
    assert await payments.find("purchase:1") is None  # nothing made for it
    await authorize(payments, "tok_ok")
    found = await payments.find("purchase:1")
    assert found is not None and found.state == PaymentState.AUTHORIZED
    assert (found.reference, found.amount_cents, found.currency) == ("purchase:1", 499, "USD")


async def test_a_paused_authorization_answers_once_released() -> None:
    sandbox = SandboxGateway()
    payments = Payments(sandbox, timeout_seconds=5, tries=1, backoff_seconds=0)
    pause = sandbox.pause_authorizations()
    task = asyncio.create_task(authorize(payments, "tok_ok"))
    await asyncio.wait_for(pause.entered.wait(), 5)
    assert pause.references == ["purchase:1"] and not task.done()
    assert await payments.find("purchase:1") is None  # still in flight: nothing made yet
    pause.release()
    assert await task == PaymentState.AUTHORIZED


async def test_a_late_capture_completes_an_authorization_whose_answer_was_lost() -> None:
    sandbox = SandboxGateway()
    payments = Payments(sandbox, timeout_seconds=0.05, tries=1, backoff_seconds=0)
    with pytest.raises(GatewayTimeout):
        await authorize(payments, "tok_timeout")
    payment_id = sandbox.capture_late("purchase:1")
    captured = await payments.status(payment_id)
    assert (captured.state, captured.amount_cents) == (PaymentState.CAPTURED, 499)
    # A voided hold captured late all the same (the provider's word is final).
    await authorize(payments, "tok_ok", "purchase:2")
    found = await payments.find("purchase:2")
    assert found is not None and found.payment_id is not None
    await payments.void(found.payment_id)
    sandbox.capture_late("purchase:2")
    assert (await payments.status(found.payment_id)).state == PaymentState.CAPTURED


async def test_an_unreachable_reference_times_out_until_reachable_again() -> None:
    sandbox = SandboxGateway()
    payments = Payments(sandbox, timeout_seconds=0.05, tries=2, backoff_seconds=0.001)
    await authorize(payments, "tok_ok")
    sandbox.unreachable("purchase:1")
    with pytest.raises(GatewayTimeout):
        await payments.find("purchase:1")
    before = sandbox.calls_about("purchase:1")
    with pytest.raises(GatewayTimeout):
        await payments.find("purchase:1")
    assert sandbox.calls_about("purchase:1") == before + 2  # both tries reached it
    sandbox.reachable("purchase:1")
    assert await payments.find("purchase:1") is not None


async def test_a_refund_whose_answer_is_lost_is_made_all_the_same() -> None:
    sandbox = SandboxGateway()
    payments = Payments(sandbox, timeout_seconds=0.05, tries=2, backoff_seconds=0.001)
    await authorize(payments, "tok_ok")
    found = await payments.find("purchase:1")
    assert found is not None and found.payment_id is not None
    await payments.capture(found.payment_id)
    sandbox.lose_answers("purchase:1")
    with pytest.raises(GatewayTimeout):
        await payments.refund(found.payment_id, 499, reference="refund:1")
    assert (await payments.status(found.payment_id)).state == PaymentState.REFUNDED
    sandbox.reachable("purchase:1")
    again = await payments.refund(found.payment_id, 499, reference="refund:1")
    assert again.state == PaymentState.REFUNDED  # the same refund, answered at last


async def test_the_provider_refunds_or_is_charged_back_on_its_own() -> None:
    sandbox = SandboxGateway()
    for ref, act, state in (
        ("purchase:1", sandbox.refund_at_provider, PaymentState.REFUNDED),
        ("purchase:2", sandbox.dispute, PaymentState.DISPUTED),
    ):
        held = await sandbox.authorize(
            token="tok_ok", amount_cents=1, currency="USD", reference=ref
        )
        assert held.payment_id is not None
        await sandbox.capture(held.payment_id)
        assert (await sandbox.status(act(ref))).state == state


def test_back_off_doubles_up_to_its_ceiling() -> None:
    backoff = BackOff(timedelta(seconds=30), timedelta(hours=1))
    assert [backoff.after(n).total_seconds() for n in range(9)] == [
        30,
        60,
        120,
        240,
        480,
        960,
        1920,
        3600,
        3600,
    ]
    assert backoff.after(10**9) == timedelta(hours=1)  # no overflow, however many checks
