"""The payment provider's webhook (SPEC §7.6): `POST /webhooks/payments`.

Trust comes only from the signature over the exact bytes received (domain/payments), and
its timestamp, within the tolerance, bounds how long a captured request can be replayed;
within that window the event id, recorded in the same transaction as the settlement it
causes, makes each event count at most once. The body the provider signs:

    {"id": "evt_…",
     "type": "payment.succeeded" | "payment.failed" | "payment.refunded" | "dispute.created",
     "data": {"reference": "purchase:<id>", "paymentId": "…"}}

A signature proves who sent an event, not that what it says is so (SPEC §7.7): before a
`payment.succeeded` grants anything the provider is asked itself — `status(paymentId)`,
or by our reference when the event names no payment — and the payment must be captured,
be this purchase's, and carry its amount and currency. A `payment.failed` must be about
this purchase's payment, and one the provider has not taken money for.
`payment.refunded` and `dispute.created` (a chargeback) take the grant back like an
operator's refund (refunds.take_back: debt if spent, audited) once the provider says
the money is back — once per purchase, in the transaction that records the event.
Anything else changes nothing (logged).

Answers: 400 for anything not signed by the provider (or not the shape above), 503 when
the provider cannot be asked now, a late capture could not be given back yet, or a
refund or chargeback is about a purchase not settled yet (its grant may still land; it
redelivers later), 200 for everything else it
signed — processed, already processed, or about nothing we know — so the provider stops
redelivering it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession
from typing_extensions import TypeIs

from casino_club.domain.payments import (
    FailureReason,
    Purchase,
    PurchaseStatus,
    WebhookCheck,
    check_webhook,
)
from casino_club.payments.gateway import GatewayTimeout, Payment, PaymentState
from casino_club.persistence import purchases
from casino_club.resolvers.payment_settlement import (
    LEFT_UNPAID,
    Verdict,
    give_back,
    purchase_id_of,
    reference,
    settle,
)
from casino_club.resolvers.refunds import take_back
from casino_club.services import Services

log = logging.getLogger(__name__)

MAX_EVENT_ID = 128
MAX_FIELD = 128
VERDICTS = {
    "payment.succeeded": Verdict(PurchaseStatus.SUCCEEDED),
    "payment.failed": Verdict(PurchaseStatus.FAILED, FailureReason.GATEWAY_ERROR),
}

# A payment in these states has taken the buyer's money: a `payment.failed` about it is
# contradicted by the provider's own record.
HOLDS_MONEY = (PaymentState.CAPTURED, PaymentState.REFUNDED, PaymentState.DISPUTED)
# Events that take a grant back (SPEC §7.7): the provider state confirming each, and the
# refund reason recorded.
TAKEN_BACK = {
    "payment.refunded": (PaymentState.REFUNDED, "refunded by the payment provider"),
    "dispute.created": (PaymentState.DISPUTED, "chargeback (dispute opened)"),
}


@dataclass(frozen=True, slots=True)
class WebhookAnswer:
    status_code: int
    body: dict[str, Any]


@dataclass(frozen=True, slots=True)
class _Event:
    event_id: str
    event_type: str
    purchase_id: int | None
    payment_id: str | None


def _refused(reason: str) -> WebhookAnswer:
    return WebhookAnswer(400, {"error": reason})


async def receive(services: Services, body: bytes, signature: str | None) -> WebhookAnswer:
    settings = services.settings
    check = check_webhook(
        settings.webhook_secret.get_secret_value().encode(),
        signature,
        body,
        services.clock.now(),
        timedelta(seconds=settings.webhook_tolerance_seconds),
    )
    if check != WebhookCheck.VALID:
        log.warning("payment webhook refused: %s", check.value)
        return _refused(f"signature {check.value.lower()}")
    event = _parse(body)
    if event is None:
        return _refused("not a payment event")
    verdict = VERDICTS.get(event.event_type)
    now = services.clock.now()
    fresh = False

    async def first_delivery(session: AsyncSession) -> bool:
        nonlocal fresh
        fresh = await purchases.first_delivery(session, event.event_id, event.event_type, now)
        return fresh

    async def ignore() -> WebhookAnswer:
        async with services.unit_of_work() as uow:
            await first_delivery(uow.session)
            await uow.commit()
        return WebhookAnswer(200, {"status": "ignored" if fresh else "duplicate"})

    taken_back = TAKEN_BACK.get(event.event_type)
    if (verdict is None and taken_back is None) or event.purchase_id is None:
        return await ignore()
    async with services.sessionmaker() as session:
        row = await purchases.get(session, event.purchase_id)
    if row is None:
        return await ignore()
    try:
        payment = await _confirmed(services, event, row)
    except GatewayTimeout:
        log.warning("payment webhook %s: the provider did not answer", event.event_id)
        return WebhookAnswer(503, {"error": "payment provider unavailable"})
    if payment is None:
        log.warning(
            "payment webhook %s (%s) about purchase %d not confirmed by the provider",
            event.event_id,
            event.event_type,
            row.id,
        )
        return await ignore()
    if taken_back is not None:
        async with services.unit_of_work() as uow:
            if not await first_delivery(uow.session):
                return WebhookAnswer(200, {"status": "duplicate"})
            taken = await take_back(services, uow, row.id, reason=taken_back[1])
            if taken is None and await _grant_may_land(uow.session, row.id):
                # Not settled yet (its capture's answer may still be on its way) or
                # granted just now: kept unrecorded, the redelivery takes the grant back.
                log.warning(
                    "payment webhook %s: purchase %d not settled yet", event.event_id, row.id
                )
                return WebhookAnswer(503, {"error": "purchase not settled yet"})
            await uow.commit()
        if taken is None:  # never granted, or refunded already: nothing to take twice
            return WebhookAnswer(200, {"status": "ignored"})
        return WebhookAnswer(200, {"status": "processed", "purchaseStatus": taken.row.status})
    assert verdict is not None
    if verdict.status == PurchaseStatus.SUCCEEDED and row.status in LEFT_UNPAID:
        # Captured after the purchase had left PENDING: given back, then acknowledged.
        if not await give_back(services, row, payment):
            return WebhookAnswer(503, {"error": "late payment not given back yet"})
        return await ignore()
    verdict = Verdict(verdict.status, verdict.reason, payment.payment_id)
    settled = await settle(services, event.purchase_id, verdict, first=first_delivery)
    if (
        verdict.status == PurchaseStatus.SUCCEEDED
        and settled is not None
        and settled.status in LEFT_UNPAID
    ):  # it left PENDING unpaid meanwhile: given back first, then the event recorded
        if not await give_back(services, settled, payment):
            return WebhookAnswer(503, {"error": "late payment not given back yet"})
        return await ignore()
    if settled is None:
        return WebhookAnswer(200, {"status": "ignored" if fresh else "duplicate"})
    return WebhookAnswer(200, {"status": "processed", "purchaseStatus": settled.status})


async def _grant_may_land(session: AsyncSession, purchase_id: int) -> bool:
    """Whether the purchase may still hold (or come to hold) a grant to take back:
    PENDING, or granted after `take_back` looked."""
    current = await purchases.get(session, purchase_id)
    return current is not None and current.status in (
        PurchaseStatus.PENDING,
        PurchaseStatus.SUCCEEDED,
        PurchaseStatus.REFUND_PENDING,
    )


async def _confirmed(services: Services, event: _Event, row: Purchase) -> Payment | None:
    """The provider's own record of the payment the event is about, if it bears the
    event out; None if it does not (GatewayTimeout if the provider does not answer)."""
    ours = reference(row.id)
    taken_back = TAKEN_BACK.get(event.event_type)
    if taken_back is not None:  # the money must be back with the buyer already
        if event.payment_id is None:
            found = await services.payments.find(ours)
        else:
            found = await services.payments.status(event.payment_id)
        if found is None or found.reference != ours or found.state != taken_back[0]:
            return None
        return found
    if event.payment_id is None:
        payment = await services.payments.find(ours)
    else:
        payment = await services.payments.status(event.payment_id)
    if event.event_type != "payment.succeeded":  # failed: unless the provider says paid
        if payment is None:
            return Payment(None, PaymentState.FAILED)  # it made no payment for us
        if payment.reference != ours or payment.state in HOLDS_MONEY:
            return None
        return payment
    if (
        payment is None
        or payment.state != PaymentState.CAPTURED
        or payment.reference != ours
        or payment.amount_cents != row.amount_cents
        or payment.currency != row.currency.value
    ):
        return None
    return payment


def _parse(body: bytes) -> _Event | None:
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(value, dict):
        return None
    event_id, event_type, data = value.get("id"), value.get("type"), value.get("data")
    if not _text(event_id, MAX_EVENT_ID) or not _text(event_type, MAX_FIELD):
        return None
    if not isinstance(data, dict):
        return None
    reference, payment_id = data.get("reference"), data.get("paymentId")
    if payment_id is not None and not _text(payment_id, MAX_FIELD):
        return None
    purchase_id = purchase_id_of(reference) if _text(reference, MAX_FIELD) else None
    return _Event(event_id, event_type, purchase_id, payment_id)


def _text(value: object, limit: int) -> TypeIs[str]:
    return isinstance(value, str) and 1 <= len(value) <= limit and "\x00" not in value
