"""The sandbox provider (SPEC §7.5, §7.7): test tokens pick the path, like a real
provider's test cards, and a few test-only controls make it misbehave like a real one.

- `tok_ok` authorizes and captures;
- `tok_declined` is refused at authorize;
- `tok_capture_fail` authorizes, then its capture fails;
- `tok_pending` stays PENDING until its status has been asked twice, by id or by
  reference (the second answer is CAPTURED), unless the provider settles it first
  (`capture_late`);
- `tok_timeout` never answers authorize (every try times out);
- `tok_timeout_once` does not answer its first authorize, then authorizes (a retry
  succeeds);
- any other token is declined as `invalid_token`.

The controls (for tests in the same process; SPEC §7.7's faults):
- `pause_authorizations()`: authorizations wait until the test lets them go (a slow
  provider: the test acts meanwhile, deterministically); `pause_capture_answers()`:
  captures are made, but their answers wait likewise (the provider acted, we do not
  know yet); `pause_next_status_answer()`: the next status check's answer, as it stood
  when asked, waits likewise (a confirmation still on its way when things change);
- `capture_late(reference)`: the provider captures the reference's payment on its own,
  whatever we asked (an answer we gave up on went through after all);
- `unreachable(reference)`: no call about that reference is answered (until
  `reachable(reference)`); `lose_answers(reference)`: refunds about it are made, but
  their answers never arrive (a timeout, or our process dying, after the provider acted);
- `refuse_refunds(reference)`: refunds of its payment are declined (`processing_error`,
  as a provider short of balance declines them) until `allow_refunds(reference)`;
- `refund_at_provider(reference)`, `dispute(reference)`: the money goes back without
  us asking (a refund from the provider's dashboard; a chargeback).

State is in process: one sandbox per app instance (polls must reach the instance that
authorized; fine for development and tests, which is all a sandbox is for).
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass, field
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
    reference: str
    amount_cents: int
    currency: str
    state: PaymentState
    polls: int = 0


@dataclass(frozen=True, slots=True)
class _Asked:
    """An authorization as the provider received it (its answer may never have left)."""

    card: Card | None
    amount_cents: int
    currency: str


@dataclass
class Pause:
    """Authorizations held back: `entered` is set once one waits; `references` are
    theirs, in arrival order; `release()` lets them all go."""

    entered: asyncio.Event = field(default_factory=asyncio.Event)
    references: list[str] = field(default_factory=list)
    _open: asyncio.Event = field(default_factory=asyncio.Event)

    def release(self) -> None:
        self._open.set()

    async def hold(self, reference: str) -> None:
        self.references.append(reference)
        self.entered.set()
        await self._open.wait()


class SandboxGateway:
    name = "sandbox"

    def __init__(self) -> None:
        self._payments: dict[str, _Held] = {}
        self._by_reference: dict[str, str] = {}
        self._asked: dict[str, _Asked] = {}
        self._authorize_calls: dict[str, int] = {}
        self._refunds: dict[str, str] = {}  # refund reference → payment
        self._pause: Pause | None = None
        self._capture_pause: Pause | None = None
        self._status_pause: Pause | None = None
        self._unreachable: set[str] = set()
        self._answers_lost: set[str] = set()
        self._refunds_refused: set[str] = set()
        self._asked_about: dict[str, int] = {}

    # -- the gateway ------------------------------------------------------------------

    async def authorize(
        self, *, token: str, amount_cents: int, currency: str, reference: str
    ) -> Payment:
        card = CARDS.get(token)
        calls = self._authorize_calls[reference] = self._authorize_calls.get(reference, 0) + 1
        self._asked.setdefault(reference, _Asked(card, amount_cents, currency))
        if self._pause is not None:
            await self._pause.hold(reference)
        await self._reach(reference)
        if card == Card.TIMEOUT or (card == Card.TIMEOUT_ONCE and calls == 1):
            await asyncio.sleep(HANG_SECONDS)
        known = self._by_reference.get(reference)
        if known is not None:  # the reference is the idempotency key: the same payment
            return self._answer(known)
        if card is None:
            return Payment(None, PaymentState.DECLINED, "invalid_token")
        if card == Card.DECLINED:
            return Payment(None, PaymentState.DECLINED, "card_declined")
        state = PaymentState.PENDING if card == Card.PENDING else PaymentState.AUTHORIZED
        return self._answer(self._create(reference, state))

    async def capture(self, payment_id: str) -> Payment:
        held = self._payments.get(payment_id)
        await self._reach(None if held is None else held.reference)
        if held is not None and held.state == PaymentState.CAPTURED:
            return self._answer(payment_id)  # captured already: the same capture
        if held is None or held.state != PaymentState.AUTHORIZED:
            return Payment(payment_id, PaymentState.FAILED, "not_capturable")
        if held.card == Card.CAPTURE_FAIL:
            return Payment(payment_id, PaymentState.FAILED, "capture_failed")
        held.state = PaymentState.CAPTURED
        answer = self._answer(payment_id)  # as it stood when captured, however late it arrives
        if self._capture_pause is not None:
            await self._capture_pause.hold(held.reference)
        return answer

    async def void(self, payment_id: str) -> Payment:
        held = self._payments.get(payment_id)
        await self._reach(None if held is None else held.reference)
        if held is not None and held.state in (PaymentState.AUTHORIZED, PaymentState.PENDING):
            held.state = PaymentState.VOIDED
        return self._answer(payment_id)

    async def refund(self, payment_id: str, amount_cents: int, *, reference: str) -> Payment:
        held = self._payments.get(payment_id)
        await self._reach(None if held is None else held.reference)
        if self._refunds.get(reference) != payment_id:  # not the same refund asked again
            if held is None or held.state != PaymentState.CAPTURED:
                return Payment(payment_id, PaymentState.FAILED, "not_refundable")
            if amount_cents > held.amount_cents:
                return Payment(payment_id, PaymentState.FAILED, "not_refundable")
            if held.reference in self._refunds_refused:
                return Payment(payment_id, PaymentState.FAILED, "processing_error")
            held.state = PaymentState.REFUNDED
            self._refunds[reference] = payment_id
        if held is not None and held.reference in self._answers_lost:
            await asyncio.sleep(HANG_SECONDS)
        return self._answer(payment_id)

    async def status(self, payment_id: str) -> Payment:
        held = self._payments.get(payment_id)
        await self._reach(None if held is None else held.reference)
        if held is not None and held.state == PaymentState.PENDING:
            held.polls += 1
            if held.polls >= POLLS_UNTIL_SETTLED:
                held.state = PaymentState.CAPTURED
        answer = self._answer(payment_id)
        pause, self._status_pause = self._status_pause, None
        if pause is not None and held is not None:
            await pause.hold(held.reference)
        return answer

    async def find(self, reference: str) -> Payment | None:
        await self._reach(reference)
        known = self._by_reference.get(reference)
        return None if known is None else await self.status(known)  # a status check too

    # -- the test controls ----------------------------------------------------------

    def pause_authorizations(self) -> Pause:
        """Hold every authorization from now on until the pause is released."""
        self._pause = Pause()
        return self._pause

    def pause_capture_answers(self) -> Pause:
        """Make every capture from now on, but hold its answer until the pause is released."""
        self._capture_pause = Pause()
        return self._capture_pause

    def capture_late(self, reference: str) -> str:
        """The provider captures the reference's payment on its own — made now from the
        authorization it received if that answer never reached us. Its payment id."""
        payment_id = self._by_reference.get(reference)
        if payment_id is None:
            asked = self._asked[reference]
            payment_id = self._create(reference, PaymentState.CAPTURED, asked)
        self._payments[payment_id].state = PaymentState.CAPTURED
        return payment_id

    def pause_next_status_answer(self) -> Pause:
        """Hold the next status check's answer (as it stood when asked) until released."""
        self._status_pause = Pause()
        return self._status_pause

    def unreachable(self, reference: str) -> None:
        """From now on nothing about this reference is answered."""
        self._unreachable.add(reference)

    def reachable(self, reference: str) -> None:
        """Calls about this reference are answered again."""
        self._unreachable.discard(reference)
        self._answers_lost.discard(reference)

    def lose_answers(self, reference: str) -> None:
        """From now on refunds about this reference are made, but never answered."""
        self._answers_lost.add(reference)

    def refuse_refunds(self, reference: str) -> None:
        """From now on refunds of this reference's payment are declined."""
        self._refunds_refused.add(reference)

    def allow_refunds(self, reference: str) -> None:
        """Refunds of this reference's payment are made again."""
        self._refunds_refused.discard(reference)

    def refund_at_provider(self, reference: str) -> str:
        """The provider refunds the reference's captured payment on its own; its id."""
        return self._set(reference, PaymentState.REFUNDED)

    def dispute(self, reference: str) -> str:
        """The buyer's bank takes the reference's captured payment back; its id."""
        return self._set(reference, PaymentState.DISPUTED)

    def payment_for(self, reference: str) -> Payment | None:
        """Where the reference's payment stands, without touching it (tests' audit)."""
        known = self._by_reference.get(reference)
        return None if known is None else self._answer(known)

    def calls_about(self, reference: str) -> int:
        """How many calls about the reference reached the provider (answered or not)."""
        return self._asked_about.get(reference, 0)

    def references(self) -> list[str]:
        """Every reference an authorization was asked for."""
        return list(self._asked)

    # -- inside -----------------------------------------------------------------------

    def _set(self, reference: str, state: PaymentState) -> str:
        payment_id = self._by_reference[reference]
        assert self._payments[payment_id].state == PaymentState.CAPTURED
        self._payments[payment_id].state = state
        return payment_id

    def _create(self, reference: str, state: PaymentState, asked: _Asked | None = None) -> str:
        asked = asked or self._asked[reference]
        payment_id = f"pay_sandbox_{secrets.token_hex(8)}"  # unique across restarts
        card = asked.card or Card.OK
        self._payments[payment_id] = _Held(
            card, reference, asked.amount_cents, asked.currency, state
        )
        self._by_reference[reference] = payment_id
        return payment_id

    async def _reach(self, reference: str | None) -> None:
        if reference is None:
            return
        self._asked_about[reference] = self._asked_about.get(reference, 0) + 1
        if reference in self._unreachable:
            await asyncio.sleep(HANG_SECONDS)

    def _answer(self, payment_id: str) -> Payment:
        held = self._payments.get(payment_id)
        if held is None:
            return Payment(payment_id, PaymentState.FAILED, "unknown_payment")
        return Payment(
            payment_id,
            held.state,
            reference=held.reference,
            amount_cents=held.amount_cents,
            currency=held.currency,
        )
