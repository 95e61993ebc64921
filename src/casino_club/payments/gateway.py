"""The interface a payment provider's adapter implements, and what its calls answer.

Shaped like a card provider's two-step charge (Stripe's PaymentIntents with manual
capture): `authorize` holds the amount, `capture` takes it, `void` releases a hold,
`refund` returns captured money, `status` reports where a payment stands (for one that
answered PENDING), `find` looks a payment up by our reference (when an authorize timed
out, so its payment id never reached us). `authorize` and `refund` carry our own
reference, which the provider uses as its idempotency key: asking again after a timeout
never moves the money twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class PaymentState(StrEnum):
    AUTHORIZED = "AUTHORIZED"  # held, not taken yet
    CAPTURED = "CAPTURED"  # taken: the purchase succeeded
    PENDING = "PENDING"  # the provider decides later (3-D Secure, bank transfer, ...)
    DECLINED = "DECLINED"  # refused: nothing held
    FAILED = "FAILED"  # a capture or a pending payment failed: nothing taken
    VOIDED = "VOIDED"  # the hold was released
    REFUNDED = "REFUNDED"
    DISPUTED = "DISPUTED"  # the buyer's bank took the captured money back (a chargeback)


@dataclass(frozen=True, slots=True)
class Payment:
    """A provider's answer: the payment's id with it (None if none was created) and
    where it stands; `reason` is the provider's own word for a refusal. A payment the
    provider knows also says what it is for (our reference) and how much it is: a
    webhook's claim is checked against them (SPEC §7.7)."""

    payment_id: str | None
    state: PaymentState
    reason: str | None = None
    reference: str | None = None
    amount_cents: int | None = None
    currency: str | None = None


class GatewayTimeout(Exception):
    """The provider did not answer in time; whether it acted is unknown."""


class PaymentGateway(Protocol):
    name: str

    async def authorize(
        self, *, token: str, amount_cents: int, currency: str, reference: str
    ) -> Payment: ...

    async def capture(self, payment_id: str) -> Payment: ...

    async def void(self, payment_id: str) -> Payment: ...

    async def refund(self, payment_id: str, amount_cents: int, *, reference: str) -> Payment: ...

    async def status(self, payment_id: str) -> Payment: ...

    async def find(self, reference: str) -> Payment | None:
        """The payment made for our reference, or None if the provider made none."""
        ...
