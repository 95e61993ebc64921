"""Settling a purchase: the one place a purchase leaves PENDING and gold is granted.

The buyer's own request, a later poll with the same key, the provider's webhook and the
stale-purchase sweeper all end here, in any order and at once: the guarded transition
(`purchases.leave_pending`) lets exactly one of them grant, in the same transaction as
the ledger row, the receipt and the buyer's idempotency key; the others find the
purchase settled and answer from it.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.domain.games import GameEventType
from casino_club.domain.ids import NodeKind, global_id
from casino_club.domain.ledger import LedgerReason, Movement
from casino_club.domain.missions import PURCHASE_COUNTS, periods_at
from casino_club.domain.payments import (
    BackOff,
    FailureReason,
    Purchase,
    PurchaseStatus,
    repayment,
    sign_receipt,
)
from casino_club.domain.progression import Progression
from casino_club.domain.purchases import OpenedPurchase
from casino_club.domain.shop import RankThresholds, rank_for_spend
from casino_club.payments.gateway import GatewayTimeout, Payment, PaymentState
from casino_club.persistence import audit, idempotency, missions, packages, purchases, users, wallet
from casino_club.persistence import gacha as gacha_store
from casino_club.persistence import promos as promo_store
from casino_club.persistence.driver import SessionStatements
from casino_club.persistence.unit_of_work import UnitOfWork
from casino_club.resolvers.access import forget_sessions_after_commit
from casino_club.resolvers.live import (
    balance_events,
    game_event,
    progression_events,
    publish_after_commit,
)
from casino_club.services import Services

log = logging.getLogger(__name__)

RECEIPT_CODE_BYTES = 12
# Where a purchase that took no money ends: a payment completing for it later goes back.
LEFT_UNPAID = (PurchaseStatus.FAILED, PurchaseStatus.VOIDED)


@dataclass(frozen=True, slots=True)
class Verdict:
    """Where a purchase goes next. PENDING: it stays pending (its payment noted)."""

    status: PurchaseStatus
    reason: FailureReason | None = None
    payment_id: str | None = None


def reference(purchase_id: int) -> str:
    """What the provider knows a purchase by (its idempotency key, a webhook's tie back)."""
    return f"purchase:{purchase_id}"


def purchase_id_of(reference_: str) -> int | None:
    """The purchase a provider's reference names, if it is one of ours."""
    prefix, _, number = reference_.partition(":")
    if prefix != "purchase" or not number.isascii() or not number.isdigit() or len(number) > 18:
        return None
    return int(number)


async def advance(services: Services, payment: Payment) -> Verdict:
    """Take a payment as far as it goes now: capture an authorization, release it if the
    capture fails. A timeout leaves the purchase pending (a poll or the sweeper asks
    the provider again), since whether the provider acted is unknown."""
    gateway = services.payments
    if payment.state == PaymentState.CAPTURED:
        return Verdict(PurchaseStatus.SUCCEEDED, payment_id=payment.payment_id)
    if payment.state == PaymentState.PENDING:
        return Verdict(PurchaseStatus.PENDING, payment_id=payment.payment_id)
    if payment.state == PaymentState.DECLINED:
        return Verdict(PurchaseStatus.FAILED, FailureReason.DECLINED, payment.payment_id)
    if payment.state != PaymentState.AUTHORIZED or payment.payment_id is None:
        return Verdict(PurchaseStatus.FAILED, FailureReason.GATEWAY_ERROR, payment.payment_id)
    pending = Verdict(PurchaseStatus.PENDING, payment_id=payment.payment_id)
    try:
        captured = await gateway.capture(payment.payment_id)
        if captured.state != PaymentState.CAPTURED:
            # Refused — unless another request (a poll) captured it meanwhile: the
            # provider's own word on the payment decides, never this capture's answer.
            captured = await gateway.status(payment.payment_id)
    except GatewayTimeout:
        return pending
    if captured.state == PaymentState.CAPTURED:
        return Verdict(PurchaseStatus.SUCCEEDED, payment_id=payment.payment_id)
    if not await release(services, payment.payment_id):
        return pending  # not known to be released: ask again later
    return Verdict(PurchaseStatus.FAILED, FailureReason.CAPTURE_FAILED, payment.payment_id)


async def release(services: Services, payment_id: str) -> bool:
    """Void a hold; whether the provider says no money is taken or held now (False
    when it did not answer, or the payment was captured after all)."""
    try:
        voided = await services.payments.void(payment_id)
    except GatewayTimeout:
        log.warning("voiding payment %s timed out", payment_id)
        return False
    return voided.state not in (
        PaymentState.CAPTURED,
        PaymentState.AUTHORIZED,
        PaymentState.PENDING,
    )


async def note_payment(services: Services, purchase_id: int, payment_id: str | None) -> bool:
    """Remember the provider's payment as soon as it exists, in its own commit: should
    this process die before the purchase settles, the sweeper asks the provider about
    it rather than voiding a purchase it knows nothing of. False when the purchase has
    left PENDING meanwhile (expired, voided, failed by a webhook): the payment must then
    be given back (`give_back`), never captured."""
    if payment_id is None:
        return True
    async with services.unit_of_work() as uow:
        row = await purchases.note_payment(uow.session, purchase_id, payment_id)
        await uow.commit()
    return row is not None


async def give_back(services: Services, row: Purchase, payment: Payment) -> bool:
    """A payment that completed after its purchase left PENDING unpaid (SPEC §7.7): a
    hold is voided, a capture refunded, at once — counted in /metrics, and a refund
    recorded on the purchase (LATE_CAPTURE_REFUNDED) and in the audit log. False when
    the provider could not be made to give it back now: logged, and kept on the purchase
    (`late_payment_id`) for the sweeper to ask again with a back-off until it has."""
    payment_id = payment.payment_id
    if payment_id is None:
        return True
    # Where it stands now, not as the caller last saw it: once out of PENDING a purchase
    # is unpaid for good or granted for good, and a granted one's payment is its own
    # (its authorize's answer arriving after a webhook granted it): never refunded here.
    current = await _reread(services, row.id)
    if current is None or current.status not in LEFT_UNPAID:
        return True
    row = current
    state: PaymentState | None = payment.state
    if state in (PaymentState.AUTHORIZED, PaymentState.PENDING):
        if await release(services, payment_id):
            services.metrics.late_payments.labels("voided").inc()
            log.warning("late authorization %s of purchase %d voided", payment_id, row.id)
            await _nothing_owed(services, row, payment_id)
            return True
        try:  # captured meanwhile, or no answer
            state = (await services.payments.status(payment_id)).state
        except GatewayTimeout:
            state = None
    if state == PaymentState.CAPTURED:
        try:
            refunded = await services.payments.refund(
                payment_id, row.amount_cents, reference=f"late:{reference(row.id)}"
            )
        except GatewayTimeout:
            refunded = None
        if refunded is not None and refunded.state == PaymentState.REFUNDED:
            await _record_late_capture(services, row, payment_id)
            return True
    elif state == PaymentState.REFUNDED:  # our refund went through; its answer did not
        await _record_late_capture(services, row, payment_id)
        return True
    elif state is not None:
        await _nothing_owed(services, row, payment_id)
        return True  # nothing is held or taken
    services.metrics.late_payments.labels("unresolved").inc()
    log.error("late payment %s of purchase %d could not be given back yet", payment_id, row.id)
    await _owe(services, row, payment_id)
    return False


async def _owe(services: Services, row: Purchase, payment_id: str) -> None:
    settings = services.settings
    backoff = BackOff(
        timedelta(seconds=settings.purchase_check_backoff_seconds),
        timedelta(seconds=settings.purchase_check_backoff_max_seconds),
    )
    async with services.unit_of_work() as uow:
        tries = (
            await purchases.checks_of(uow.session, row.id)
            if row.late_payment_id == payment_id
            else 0
        )
        when = services.clock.now() + backoff.after(tries)
        await purchases.owe_give_back(uow.session, row.id, payment_id, when)
        await uow.commit()


async def _nothing_owed(services: Services, row: Purchase, payment_id: str) -> None:
    if row.late_payment_id == payment_id:
        async with services.unit_of_work() as uow:
            await purchases.given_back(uow.session, row.id, payment_id)
            await uow.commit()


async def give_back_owed(services: Services, limit: int) -> int:
    """Ask again about late payments not given back yet (`give_back` kept them): how
    many are given back now."""
    async with services.sessionmaker() as session:
        owed = await purchases.owed_give_backs(session, services.clock.now(), limit)
    returned = 0
    for purchase_id, payment_id in owed:
        row = await _reread(services, purchase_id)
        if row is None:
            continue
        try:
            payment = await services.payments.status(payment_id)
        except GatewayTimeout:
            await _owe(services, row, payment_id)
            continue
        if await give_back(services, row, payment):
            returned += 1
    return returned


async def _record_late_capture(services: Services, row: Purchase, payment_id: str) -> None:
    now = services.clock.now()
    async with services.unit_of_work() as uow:
        recorded = await purchases.record_late_capture(uow.session, row.id, payment_id)
        if recorded is not None:
            await audit.record(
                uow.session,
                actor_id=None,
                action="PAYMENT_LATE_CAPTURE_REFUNDED",
                target=reference(row.id),
                before={"status": row.status.value, "failureReason": _reason(row)},
                after={
                    "status": recorded.status.value,
                    "failureReason": _reason(recorded),
                    "paymentId": payment_id,
                    "refundedCents": row.amount_cents,
                },
                now=now,
            )
        await uow.commit()
    if recorded is not None:
        services.metrics.late_payments.labels("refunded").inc()
        log.warning("late capture %s of purchase %d refunded", payment_id, row.id)


def _reason(row: Purchase) -> str | None:
    return None if row.failure_reason is None else row.failure_reason.value


async def settle(
    services: Services,
    purchase_id: int,
    verdict: Verdict,
    *,
    first: Callable[[AsyncSession], Awaitable[bool]] | None = None,
) -> Purchase | None:
    """Apply the verdict if the purchase is still PENDING; the purchase as it now stands.

    `first` runs first in the same transaction (a webhook records its event id there);
    if it answers False nothing is done and None is returned. With `first`, a capture
    that came after the purchase left PENDING unpaid is left to the caller to give back
    (the purchase is returned as it stands, `first`'s record rolled back).
    """
    async with services.unit_of_work() as uow:
        session = uow.session
        if first is not None and not await first(session):
            return None
        now = services.clock.now()
        if verdict.status == PurchaseStatus.PENDING:
            row = await purchases.note_payment(session, purchase_id, verdict.payment_id)
        else:
            code = secrets.token_hex(RECEIPT_CODE_BYTES).upper()
            row = await purchases.leave_pending(
                session,
                purchase_id,
                status=verdict.status,
                reason=verdict.reason,
                payment_id=verdict.payment_id,
                receipt_code=code if verdict.status == PurchaseStatus.SUCCEEDED else None,
                now=now,
            )
        if row is None:  # settled already, by whoever came first
            current = await purchases.get(session, purchase_id)
            if first is not None and current is not None and _paid_too_late(current, verdict):
                # Paid after it gave up: the caller (a webhook) gives the payment back
                # before its event is recorded (rolled back here), or it is redelivered.
                return current
            await uow.commit()  # keeps `first`'s record, if any
            if current is not None and _paid_too_late(current, verdict):
                assert verdict.payment_id is not None
                captured = Payment(verdict.payment_id, PaymentState.CAPTURED)
                await give_back(services, current, captured)
                current = await _reread(services, purchase_id)
            return current
        if row.status == PurchaseStatus.SUCCEEDED:
            row, events = await _deliver(services, uow, row, now)
            publish_after_commit(services, uow, row.user_id, events)
        elif row.status != PurchaseStatus.PENDING:  # failed or voided: give back what it held
            if row.package_sku is not None:
                await packages.release(session, row.package_sku)
            if row.promo_code is not None:
                await promo_store.give_back(session, row.promo_code)
        await idempotency.complete_held(
            session, row.user_id, row.idempotency_key, OpenedPurchase(row.id), now
        )
        await uow.commit()
        return row


def _paid_too_late(current: Purchase, verdict: Verdict) -> bool:
    """Whether a capture this verdict reports came after the purchase left PENDING unpaid."""
    return (
        verdict.status == PurchaseStatus.SUCCEEDED
        and verdict.payment_id is not None
        and current.status in LEFT_UNPAID
    )


async def _reread(services: Services, purchase_id: int) -> Purchase | None:
    async with services.sessionmaker() as session:
        return await purchases.get(session, purchase_id)


async def _deliver(
    services: Services, uow: UnitOfWork, row: Purchase, now: datetime
) -> tuple[Purchase, list[dict[str, Any]]]:
    """What a succeeded purchase brings, in its settling transaction: the signed receipt,
    the spend (and the rank it may earn), the gold (repaying any debt first), a package's
    unit and items. Locks the player's row before their wallet, as refunds do. The
    purchase signed, and the events to publish once it commits."""
    session = uow.session
    receipt = row.receipt()
    assert receipt is not None, "a succeeded purchase has its receipt code"
    secret = services.settings.receipt_secret.get_secret_value().encode()
    signature = sign_receipt(secret, receipt)
    row = replace(row, receipt_signature=signature)
    await purchases.sign(session, row.id, signature)
    settings = services.settings
    spent = await users.add_spend(session, row.user_id, row.spend_usd_cents)
    repaid = repayment(spent.debt, row.gold)
    moved = [Movement(row.gold, LedgerReason.PURCHASE, reference(row.id))] if row.gold else []
    if repaid:
        moved.append(Movement(-repaid, LedgerReason.DEBT_REPAYMENT, reference(row.id)))
        await users.change_debt(session, row.user_id, -repaid)
    posted = (
        await wallet.move_gold(session, user_id=row.user_id, movements=moved, now=now)
        if moved
        else []
    )
    thresholds = RankThresholds(settings.rank_premium_spend_cents, settings.rank_vip_spend_cents)
    earned = rank_for_spend(spent.rank, spent.lifetime_cents, thresholds)
    if earned != spent.rank:
        await users.set_rank(session, row.user_id, earned)
    if repaid or earned != spent.rank:  # cached sessions hold the old debt or rank
        forget_sessions_after_commit(services, uow, row.user_id)
    if row.package_sku is not None:
        await packages.sell(session, row.package_sku)
        await _grant_items(session, row, now)
    periods = periods_at(now, settings.zone)
    advanced = await missions.advance(session, row.user_id, PURCHASE_COUNTS, periods, now)
    return row, [
        *balance_events(posted, now),
        game_event(
            GameEventType.PURCHASE,
            round_id=None,
            data={
                "purchaseId": global_id(NodeKind.PURCHASE, row.id),
                "sku": row.sku,
                "quantity": row.quantity,
                "gold": row.gold,
                "amountCents": row.amount_cents,
                "currency": row.currency,
            },
            at=now,
        ),
        *progression_events(Progression(missions=advanced), now),
    ]


async def _grant_items(session: AsyncSession, row: Purchase, now: datetime) -> None:
    stocked = await packages.get(session, row.package_sku or "")
    assert stocked is not None, "a package with purchases is never deleted (RESTRICT)"
    for item_id, quantity in stocked.package.items:
        await gacha_store.add_items(
            SessionStatements(session), row.user_id, [item_id] * quantity, now
        )


async def sweep_stale(services: Services) -> int:
    """Settle purchases PENDING longer than the limit (SPEC §7.6): paid after all (the
    provider says captured) → granted; otherwise voided as STALE_AUTO_VOID. Also
    finishes purchases whose server died mid-charge. Safe on every instance at once.

    Fair (SPEC §7.7): a pass takes the purchases due for a check and checks up to
    PURCHASE_SWEEP_CONCURRENCY of them at once; one the provider does not answer about
    is checked again only after its back-off, so it never holds up the others. A pass
    also asks again about late payments the provider did not give back when asked."""
    settings = services.settings
    now = services.clock.now()
    async with services.sessionmaker() as session:
        due = await purchases.stale(
            session,
            products_before=now - timedelta(seconds=settings.purchase_stale_seconds),
            packages_before=now - timedelta(seconds=settings.package_reservation_seconds),
            now=now,
            limit=settings.purchase_sweep_batch,
        )
    backoff = BackOff(
        timedelta(seconds=settings.purchase_check_backoff_seconds),
        timedelta(seconds=settings.purchase_check_backoff_max_seconds),
    )
    slots = asyncio.Semaphore(settings.purchase_sweep_concurrency)

    async def check(purchase_id: int, payment_id: str | None, holds_unit: bool) -> bool:
        reason = FailureReason.RESERVATION_EXPIRED if holds_unit else FailureReason.STALE_AUTO_VOID
        async with slots:
            verdict = await _stale_verdict(services, purchase_id, payment_id, reason)
            if verdict is None:
                async with services.unit_of_work() as uow:
                    await purchases.check_later(uow.session, purchase_id, backoff, now)
                    await uow.commit()
                return False
            await settle(services, purchase_id, verdict)
            return True

    settled = await asyncio.gather(*(check(*each) for each in due))
    return sum(settled) + await give_back_owed(services, settings.purchase_sweep_batch)


async def _stale_verdict(
    services: Services, purchase_id: int, payment_id: str | None, reason: FailureReason
) -> Verdict | None:
    """None: the provider did not answer; ask again at the next sweep rather than void
    a payment that may have been captured."""
    try:
        if payment_id is None:  # the answer may have been lost: ask by our reference
            found = await services.payments.find(reference(purchase_id))
            if found is None or found.payment_id is None:  # the provider made none
                return Verdict(PurchaseStatus.VOIDED, reason)
            payment_id = found.payment_id
        payment = await services.payments.status(payment_id)
    except GatewayTimeout:
        return None
    voided = Verdict(PurchaseStatus.VOIDED, reason, payment_id)
    if payment.state == PaymentState.CAPTURED:
        return Verdict(PurchaseStatus.SUCCEEDED, payment_id=payment_id)
    if not await release(services, payment_id):
        return None  # captured meanwhile, or no answer: the next sweep asks again
    return voided
