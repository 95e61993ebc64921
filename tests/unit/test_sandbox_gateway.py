"""The sandbox provider's test tokens, through the client every call goes through
(timeouts and retries, SPEC §7.5). Timeouts here are real: tiny, but real."""

from __future__ import annotations

from typing import cast

import pytest

from casino_club.domain.payments import FailureReason, PurchaseStatus
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
