"""The sandbox provider (SPEC §7.5): test tokens pick the path, like a real provider's
test cards.

- `tok_ok` authorizes and captures;
- `tok_declined` is refused at authorize;
- `tok_capture_fail` authorizes, then its capture fails;
- `tok_pending` stays PENDING until its status has been asked twice (the second answer
  is CAPTURED), unless a webhook settles it first;
- `tok_timeout` never answers authorize (every try times out);
- `tok_timeout_once` does not answer its first authorize, then authorizes (a retry
  succeeds);
- any other token is declined as `invalid_token`.

State is in process: one sandbox per app instance (polls must reach the instance that
authorized; fine for development and tests, which is all a sandbox is for).
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from enum import StrEnum

from casino_club.payments.gateway import Payment, PaymentState

HANG_SECONDS = 3600.0  # "never answers": far beyond any timeout the client allows
POLLS_UNTIL_SETTLED = 2


class Card(StrEnum):
    """The test tokens, each a path through a payment."""

    OK = "tok_ok"
    DECLINED = "tok_declined"
    CAPTURE_FAIL = "tok_capture_fail"
    PENDING = "tok_pending"
    TIMEOUT = "tok_timeout"
    TIMEOUT_ONCE = "tok_timeout_once"


CARDS = {card.value: card for card in Card}


@dataclass
class _Held:
    card: Card
    amount_cents: int
    state: PaymentState
    polls: int = 0


class SandboxGateway:
    name = "sandbox"

    def __init__(self) -> None:
        self._payments: dict[str, _Held] = {}
        self._by_reference: dict[str, str] = {}
        self._authorize_calls: dict[str, int] = {}
        self._refunds: dict[str, str] = {}  # refund reference → payment

    async def authorize(
        self, *, token: str, amount_cents: int, currency: str, reference: str
    ) -> Payment:
        card = CARDS.get(token)
        calls = self._authorize_calls[reference] = self._authorize_calls.get(reference, 0) + 1
        if card == Card.TIMEOUT or (card == Card.TIMEOUT_ONCE and calls == 1):
            await asyncio.sleep(HANG_SECONDS)
        known = self._by_reference.get(reference)
        if known is not None:  # the reference is the idempotency key: the same payment
            return self._answer(known)
        if card is None:
            return Payment(None, PaymentState.DECLINED, "invalid_token")
        if card == Card.DECLINED:
            return Payment(None, PaymentState.DECLINED, "card_declined")
        payment_id = f"pay_sandbox_{secrets.token_hex(8)}"  # unique across restarts
        state = PaymentState.PENDING if card == Card.PENDING else PaymentState.AUTHORIZED
        self._payments[payment_id] = _Held(card, amount_cents, state)
        self._by_reference[reference] = payment_id
        return self._answer(payment_id)

    async def capture(self, payment_id: str) -> Payment:
        held = self._payments.get(payment_id)
        if held is not None and held.state == PaymentState.CAPTURED:
            return self._answer(payment_id)  # captured already: the same capture
        if held is None or held.state != PaymentState.AUTHORIZED:
            return Payment(payment_id, PaymentState.FAILED, "not_capturable")
        if held.card == Card.CAPTURE_FAIL:
            return Payment(payment_id, PaymentState.FAILED, "capture_failed")
        held.state = PaymentState.CAPTURED
        return self._answer(payment_id)

    async def void(self, payment_id: str) -> Payment:
        held = self._payments.get(payment_id)
        if held is not None and held.state in (PaymentState.AUTHORIZED, PaymentState.PENDING):
            held.state = PaymentState.VOIDED
        return self._answer(payment_id)

    async def refund(self, payment_id: str, amount_cents: int, *, reference: str) -> Payment:
        if self._refunds.get(reference) == payment_id:  # the same refund, asked again
            return self._answer(payment_id)
        held = self._payments.get(payment_id)
        if held is None or held.state != PaymentState.CAPTURED or amount_cents > held.amount_cents:
            return Payment(payment_id, PaymentState.FAILED, "not_refundable")
        held.state = PaymentState.REFUNDED
        self._refunds[reference] = payment_id
        return self._answer(payment_id)

    async def status(self, payment_id: str) -> Payment:
        held = self._payments.get(payment_id)
        if held is not None and held.state == PaymentState.PENDING:
            held.polls += 1
            if held.polls >= POLLS_UNTIL_SETTLED:
                held.state = PaymentState.CAPTURED
        return self._answer(payment_id)

    def _answer(self, payment_id: str) -> Payment:
        held = self._payments.get(payment_id)
        if held is None:
            return Payment(payment_id, PaymentState.FAILED, "unknown_payment")
        return Payment(payment_id, held.state)
