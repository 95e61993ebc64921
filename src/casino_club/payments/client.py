"""How the purchase flow calls a gateway: every call bounded by a timeout and retried
with exponential back-off (SPEC §7.5: 3 tries), so a stalled provider costs a buyer a
few seconds, never a hung request.

Retrying is safe because every call is idempotent at the provider: `authorize` and
`refund` carry our reference as their idempotency key, and the others name the payment.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from itertools import islice
from typing import TypeVar

from casino_club.payments.gateway import GatewayTimeout, Payment, PaymentGateway
from casino_club.retries import GaveUp, backoff, retry

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Payments:
    gateway: PaymentGateway
    timeout_seconds: float
    tries: int
    backoff_seconds: float  # before the 2nd try; doubled before each later one

    @property
    def name(self) -> str:
        return self.gateway.name

    async def authorize(
        self, *, token: str, amount_cents: int, currency: str, reference: str
    ) -> Payment:
        return await self._call(
            "authorize",
            lambda: self.gateway.authorize(
                token=token, amount_cents=amount_cents, currency=currency, reference=reference
            ),
        )

    async def capture(self, payment_id: str) -> Payment:
        return await self._call("capture", lambda: self.gateway.capture(payment_id))

    async def void(self, payment_id: str) -> Payment:
        return await self._call("void", lambda: self.gateway.void(payment_id))

    async def refund(self, payment_id: str, amount_cents: int, *, reference: str) -> Payment:
        return await self._call(
            "refund", lambda: self.gateway.refund(payment_id, amount_cents, reference=reference)
        )

    async def status(self, payment_id: str) -> Payment:
        return await self._call("status", lambda: self.gateway.status(payment_id))

    async def find(self, reference: str) -> Payment | None:
        return await self._call("find", lambda: self.gateway.find(reference))

    async def _call(self, what: str, call: Callable[[], Awaitable[T]]) -> T:
        """The call's answer; GatewayTimeout once every try timed out."""

        async def bounded() -> T:
            async with asyncio.timeout(self.timeout_seconds):
                return await call()

        def timed_out(attempt: int, _: Exception) -> None:
            log.warning("payment gateway %s timed out (try %d of %d)", what, attempt, self.tries)

        waits = islice(backoff(self.backoff_seconds), self.tries - 1)
        try:
            return await retry(bounded, waits, on=(TimeoutError, GatewayTimeout), failed=timed_out)
        except GaveUp:
            raise GatewayTimeout(what) from None
