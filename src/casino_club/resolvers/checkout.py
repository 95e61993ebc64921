"""The one way anything is bought (SPEC §7.2, §7.3, §7.6): a product or a limited package.

The gateway is never called inside a database transaction (a slow provider would hold
locks and connections). So a purchase is three steps:

1. **Open** (one transaction): claim the idempotency key, lock the buyer's row, let the
   offer price itself and check eligibility, apply the promo code, check the buyer's
   own purchase limits, count the attempt against the fraud guard, let the offer hold
   what it sells (a package's unit), take a use of the code, record the purchase
   PENDING; commit. The key stays IN_PROGRESS, so a duplicate sent meanwhile answers
   `IdempotencyKeyInUse`.
2. **Pay**: authorize, then capture, each call bounded and retried (payments/client.py).
3. **Settle** (payment_settlement.settle): leave PENDING once, grant, complete the key.

A retry with the same key is answered from the purchase it opened: the receipt, the
decline, or — while pending — a fresh poll of the provider.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.context import Context, Viewer
from casino_club.domain import promos
from casino_club.domain.accounts import FieldProblem
from casino_club.domain.payments import FailureReason, PurchaseStatus
from casino_club.domain.payments import Purchase as PurchaseRow
from casino_club.domain.purchases import (
    OpenedPurchase,
    PromoInvalid,
    Refused,
    Settled,
    answer,
)
from casino_club.domain.refusals import (
    IdempotencyKeyInUse,
    IdempotencyKeyReused,
    PlayerExcluded,
    ValidationFailed,
)
from casino_club.domain.shop import PromoProblem, Quote, usd_cents
from casino_club.payments.gateway import GatewayTimeout, Payment
from casino_club.persistence import idempotency, purchases, stored_outcomes, users
from casino_club.persistence import promos as promo_store
from casino_club.persistence.database import read_connection
from casino_club.persistence.idempotency import InUse, KeyRequest, KeyTaken, Replay, Reused
from casino_club.resolvers.guards import key_request
from casino_club.resolvers.payment_settlement import (
    Verdict,
    advance,
    give_back,
    note_payment,
    reference,
    settle,
)
from casino_club.resolvers.purchase_checks import fraud_guard, over_limit, promo_for, spend_rates
from casino_club.services import Services

MAX_TOKEN_LENGTH = 255
MAX_PROMO_LENGTH = 64

E = TypeVar("E")
E_co = TypeVar("E_co", covariant=True)


@dataclass(frozen=True, slots=True)
class Order:
    """How the buyer pays for whatever they buy."""

    key: KeyRequest
    payment_token: str
    promo_code: str | None


class Offer(Protocol[E_co]):
    """What is being bought: it prices itself for the buyer, then holds what it sells."""

    @property
    def package_sku(self) -> str | None: ...

    async def price(self, session: AsyncSession, viewer: Viewer, now: datetime) -> Quote | E_co:
        """The quote, or why the buyer may not buy (nothing written)."""
        ...

    async def hold(self, session: AsyncSession, viewer: Viewer, now: datetime) -> E_co | None:
        """Take what the purchase sells out of others' reach until it settles, or why
        not; None when there is nothing to hold."""
        ...


def order_of(
    context: Context,
    viewer: Viewer,
    *,
    operation: str,
    key: str,
    payment_token: str,
    promo_code: str | None,
    parameters: dict[str, object],
    problems: list[FieldProblem],
) -> Order | ValidationFailed:
    """The order, checked with the offer's own `problems`: the key names the whole request."""
    if not 1 <= len(payment_token) <= MAX_TOKEN_LENGTH:
        problems.append(
            FieldProblem(
                "paymentToken", "INVALID_PAYMENT_TOKEN", f"must be 1-{MAX_TOKEN_LENGTH} characters"
            )
        )
    if promo_code is not None and not 1 <= len(promo_code) <= MAX_PROMO_LENGTH:
        problems.append(
            FieldProblem(
                "promoCode", "INVALID_PROMO_CODE", f"must be 1-{MAX_PROMO_LENGTH} characters"
            )
        )
    if problems:
        return ValidationFailed.of(problems)
    request = key_request(
        context,
        viewer,
        key=key,
        operation=operation,
        parameters={**parameters, "paymentToken": payment_token, "promoCode": promo_code},
    )
    if isinstance(request, ValidationFailed):
        return request
    assert request is not None, "a purchase's key is required by the schema"
    return Order(request, payment_token, promo_code)


async def checkout(
    services: Services, viewer: Viewer, order: Order, offer: Offer[E]
) -> Settled | Refused | E:
    """Buy the offer: opened, paid and settled, or answered from an earlier request."""
    earlier = await _answer_for_key(services, order.key)
    if earlier is not None:
        return earlier  # polling a purchase made before a break still works
    until = viewer.user.excluded_at(services.clock.now())
    if until is not None:
        return PlayerExcluded(until)
    opened = await _open(services, viewer, order, offer)
    if not isinstance(opened, PurchaseRow):
        return opened
    verdict = await _pay(services, opened, order.payment_token)
    settled = await settle(services, opened.id, verdict)
    assert settled is not None, "no precondition was given"
    return answer(settled, replayed=False)


async def _pay(services: Services, opened: PurchaseRow, token: str) -> Verdict:
    """Step 2. A timeout is "unknown", never "failed" (SPEC §7.7): the provider is asked
    by our reference, and if it does not answer that either the purchase stays PENDING
    (a retry, the webhook or the sweeper resolves it). A payment that completes after
    the purchase left PENDING (it expired, a webhook failed it) is given back at once."""
    try:
        payment: Payment | None = await services.payments.authorize(
            token=token,
            amount_cents=opened.amount_cents,
            currency=opened.currency,
            reference=reference(opened.id),
        )
    except GatewayTimeout:
        try:
            payment = await services.payments.find(reference(opened.id))
        except GatewayTimeout:
            return Verdict(PurchaseStatus.PENDING)
    if payment is None:  # the provider says it made none: nothing is held
        return Verdict(PurchaseStatus.FAILED, FailureReason.GATEWAY_TIMEOUT)
    return await _proceed(services, opened, payment)


async def _proceed(services: Services, row: PurchaseRow, payment: Payment) -> Verdict:
    """Capture the purchase's payment — only while the purchase is still PENDING."""
    if not await note_payment(services, row.id, payment.payment_id):
        await give_back(services, row, payment)
        return Verdict(PurchaseStatus.PENDING)  # settled already: answered from its record
    return await advance(services, payment)


async def _open(
    services: Services, viewer: Viewer, order: Order, offer: Offer[E]
) -> PurchaseRow | Settled | Refused | E:
    """Step 1: the purchase recorded PENDING with its key held, or why not (nothing kept)."""
    async with services.unit_of_work() as uow:
        session = uow.session
        now = services.clock.now()
        try:
            await idempotency.claim(session, order.key, now)
        except KeyTaken:
            # Another request with this key committed meanwhile: answer as its retry.
            await uow.rollback()
            earlier = await _answer_for_key(services, order.key)
            return IdempotencyKeyInUse() if earlier is None else earlier
        # The buyer's purchases open one at a time from here: the checks of their
        # allowances (a package's, a code's) and the act they guard are one step.
        await users.lock(session, viewer.id)
        quote = await offer.price(session, viewer, now)
        if not isinstance(quote, Quote):
            return quote
        promo = None
        if order.promo_code is not None:
            promo = await promo_for(session, viewer, order.promo_code, quote, now)
            if isinstance(promo, PromoInvalid):
                return promo
            quote = promos.apply(promo, quote)
        spend = usd_cents(quote.amount_cents, quote.currency, spend_rates(services))
        over = await over_limit(services, session, viewer, spend, now)
        if over is not None:
            return over
        blocked = await fraud_guard(services, viewer, order.payment_token)
        if blocked is not None:
            return blocked
        refused = await offer.hold(session, viewer, now)
        if refused is not None:
            return refused
        if promo is not None and not await promo_store.take_use(session, promo.code):
            return PromoInvalid(PromoProblem.EXHAUSTED)
        row = await purchases.open_purchase(
            session,
            user_id=viewer.id,
            quote=quote,
            package_sku=offer.package_sku,
            promo_code=None if promo is None else promo.code,
            spend_usd_cents=spend,
            key=order.key.key,
            gateway=services.payments.name,
            now=now,
        )
        await uow.commit()
    return row


async def _answer_for_key(
    services: Services, key: KeyRequest
) -> Settled | IdempotencyKeyReused | IdempotencyKeyInUse | None:
    """The answer for a key already used: from its purchase (polled if pending), or why
    it cannot be used; None if the key is new."""
    async with read_connection(services.engine) as connection:
        found = await idempotency.stored(connection, key)
    if found is None:
        return None
    if isinstance(found, Reused):
        return IdempotencyKeyReused()
    if isinstance(found, InUse):
        return IdempotencyKeyInUse()
    assert isinstance(found, Replay)
    purchase_id = stored_outcomes.load(OpenedPurchase, found.response).purchase_id
    async with services.sessionmaker() as session:
        row = await purchases.get(session, purchase_id)
    assert row is not None, "a completed key names its purchase"
    if row.status == PurchaseStatus.PENDING:
        row = await _poll(services, row)
    return answer(row, replayed=True)


async def _poll(services: Services, row: PurchaseRow) -> PurchaseRow:
    """Ask the provider about a pending purchase and settle it if it has decided."""
    try:
        if row.gateway_payment_id is None:  # its authorize's answer never reached us
            found = await services.payments.find(reference(row.id))
            if found is None:
                return row  # nothing made yet: the sweeper ends it if nothing ever is
            verdict = await _proceed(services, row, found)
        else:
            payment = await services.payments.status(row.gateway_payment_id)
            verdict = await advance(services, payment)
    except GatewayTimeout:
        return row
    if verdict.status == PurchaseStatus.PENDING:  # undecided, or settled meanwhile
        async with services.sessionmaker() as session:
            current = await purchases.get(session, row.id)
        return row if current is None else current
    settled = await settle(services, row.id, verdict)
    return row if settled is None else settled
