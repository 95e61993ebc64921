"""Refunds and debt (SPEC §7.6, §7.7).

A refund is two-phase, so no crash can leave money returned and gold kept: one
transaction marks the purchase REFUND_PENDING (once, whoever else tries); then the
provider is asked to return the money (outside any transaction; the purchase id is the
refund's idempotency key); then one transaction marks it REFUNDED, takes the gold back
through the ledger as far as the balance allows and records the rest as debt. If the
provider does not answer, or the process dies in between, the refund job
(`finish_pending`) asks again and finishes it; if the provider refuses, the purchase is
SUCCEEDED again. The provider's own `payment.refunded` and `dispute.created` webhooks
take the gold back the same way (`take_back`), the money being back already.

A player in debt cannot play (betting.py) until it is repaid: a purchase repays it
first (payment_settlement), or `repayDebt` pays it from the balance.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from casino_club.context import Context, Viewer
from casino_club.domain.ledger import LedgerReason, Movement
from casino_club.domain.payments import (
    BackOff,
    Clawback,
    PurchaseStatus,
    claw_back,
    repayment,
)
from casino_club.domain.payments import Purchase as PurchaseRow
from casino_club.domain.refunds import (
    DebtRepaid,
    NotRefundable,
    PurchaseNotFound,
    PurchaseRefunded,
    RefundFailed,
    RefundPurchaseOutcome,
    RepayDebtOutcome,
)
from casino_club.domain.refusals import ValidationFailed
from casino_club.payments.gateway import GatewayTimeout, PaymentState
from casino_club.persistence import audit, idempotency, purchases, users, wallet
from casino_club.persistence.idempotency import KeyRequest
from casino_club.persistence.unit_of_work import UnitOfWork
from casino_club.resolvers.access import forget_sessions_after_commit
from casino_club.resolvers.guards import key_request, reason_problem, run_idempotent
from casino_club.resolvers.live import balance_events, publish_after_commit
from casino_club.resolvers.payment_settlement import reference
from casino_club.services import Services

log = logging.getLogger(__name__)

REFUND_BATCH = 100
# What RefundFailed says when the provider did not answer: the refund stays
# REFUND_PENDING and the refund job finishes it.
STILL_PENDING = "gateway_timeout"


@dataclass(frozen=True, slots=True)
class TakenBack:
    row: PurchaseRow
    split: Clawback


async def refund_purchase(
    context: Context, viewer: Viewer, purchase_id: int | None, reason: str
) -> RefundPurchaseOutcome:
    """Refund the purchase `purchase_id` (None: the client's id names no row)."""
    services = context.services
    invalid = reason_problem(reason)
    if invalid is not None:
        return invalid
    if purchase_id is None:
        return PurchaseNotFound()
    async with services.sessionmaker() as session:
        found = await purchases.get(session, purchase_id)
    if found is None:
        return PurchaseNotFound()
    if found.status != PurchaseStatus.SUCCEEDED:
        return NotRefundable(found.status)
    if found.gateway_payment_id is None:  # settled by a webhook that named no payment
        return RefundFailed("payment_unknown")
    retry_at = services.clock.now() + timedelta(seconds=services.settings.refund_retry_seconds)
    async with services.unit_of_work() as uow:
        begun = await purchases.begin_refund(
            uow.session,
            purchase_id,
            reason=reason.strip(),
            actor_id=viewer.id,
            retry_at=retry_at,
        )
        if begun is None:  # refunded (or changed) meanwhile by someone else
            current = await purchases.get(uow.session, purchase_id)
            assert current is not None
            return NotRefundable(current.status)
        await uow.commit()
    refused = await _ask_provider(services, begun)
    if refused is not None:
        return RefundFailed(refused)
    taken = await _finish(services, purchase_id)
    if taken is None:  # the refund job or a webhook finished it first
        return NotRefundable(PurchaseStatus.REFUNDED)
    return PurchaseRefunded(
        purchase=taken.row, gold_taken=taken.split.taken, debt_added=taken.split.debt
    )


async def finish_pending(services: Services) -> int:
    """Finish the refunds begun but not recorded (REFUND_PENDING) that are due: the
    provider asked again (idempotent), the gold taken back. How many were finished."""
    now = services.clock.now()
    async with services.sessionmaker() as session:
        due = await purchases.refunds_due(session, now, REFUND_BATCH)
    finished = 0
    for purchase_id in due:
        async with services.sessionmaker() as session:
            row = await purchases.get(session, purchase_id)
        if row is None or row.status != PurchaseStatus.REFUND_PENDING:
            continue
        refused = await _ask_provider(services, row)
        if refused == STILL_PENDING:
            await _retry_later(services, row)
        elif refused is None and await _finish(services, purchase_id) is not None:
            finished += 1
    return finished


async def _ask_provider(services: Services, row: PurchaseRow) -> str | None:
    """Ask the provider to return a REFUND_PENDING purchase's money: None once it has,
    else why not (STILL_PENDING: no answer, the refund stays pending; otherwise the
    provider refused and the purchase is SUCCEEDED again)."""
    assert row.gateway_payment_id is not None, "only a purchase with a payment is refunded"
    try:
        returned = await services.payments.refund(
            row.gateway_payment_id, row.amount_cents, reference=f"refund:{reference(row.id)}"
        )
    except GatewayTimeout:
        return STILL_PENDING
    if returned.state == PaymentState.REFUNDED:
        return None
    log.warning("the provider refused to refund purchase %d: %s", row.id, returned.reason)
    async with services.unit_of_work() as uow:
        await purchases.abandon_refund(uow.session, row.id)
        await uow.commit()
    return returned.reason or returned.state.value.lower()


async def _retry_later(services: Services, row: PurchaseRow) -> None:
    settings = services.settings
    backoff = BackOff(
        timedelta(seconds=settings.refund_retry_seconds),
        timedelta(seconds=settings.purchase_check_backoff_max_seconds),
    )
    async with services.unit_of_work() as uow:
        checks = await purchases.checks_of(uow.session, row.id)
        await purchases.retry_refund_at(
            uow.session, row.id, services.clock.now() + backoff.after(checks)
        )
        await uow.commit()


async def _finish(services: Services, purchase_id: int) -> TakenBack | None:
    async with services.unit_of_work() as uow:
        taken = await take_back(services, uow, purchase_id, reason=None)
        await uow.commit()
    return taken


async def take_back(
    services: Services, uow: UnitOfWork, purchase_id: int, *, reason: str | None
) -> TakenBack | None:
    """In the caller's transaction: mark the purchase REFUNDED (from SUCCEEDED or
    REFUND_PENDING, once) and take its gold back through the ledger as far as the
    balance goes, the rest as debt; audited as whoever asked for the refund (None: the
    provider). None when the purchase was not granted or is refunded already."""
    session = uow.session
    now = services.clock.now()
    row = await purchases.mark_refunded(session, purchase_id, reason, now)
    if row is None:
        return None
    # The player's row, then their wallet: the order a settling purchase locks them in.
    await users.add_spend(session, row.user_id, -row.spend_usd_cents)
    split = claw_back(row.gold, await wallet.locked_balance(session, row.user_id))
    posted = []
    if split.taken:
        posted = await wallet.move_gold(
            session,
            user_id=row.user_id,
            movements=[Movement(-split.taken, LedgerReason.PURCHASE_REFUND, reference(row.id))],
            now=now,
        )
    if split.debt:
        await users.change_debt(session, row.user_id, split.debt)
        forget_sessions_after_commit(services, uow, row.user_id)  # cached: no debt
    await audit.record(
        session,
        actor_id=row.refund_actor_id,
        action="PURCHASE_REFUND",
        target=f"purchase:{row.id}",
        before={"status": PurchaseStatus.SUCCEEDED.value},
        after={
            "status": row.status.value,
            "reason": row.refund_reason,
            "goldTaken": split.taken,
            "debtAdded": split.debt,
        },
        now=now,
    )
    publish_after_commit(services, uow, row.user_id, balance_events(posted, now))
    return TakenBack(row, split)


async def repay_debt(context: Context, viewer: Viewer, key: str | None) -> RepayDebtOutcome:
    """Pay the debt from the balance, as far as it goes."""
    services = context.services
    request = key_request(context, viewer, key=key, operation="repayDebt", parameters={})
    if isinstance(request, ValidationFailed):
        return request

    async def work(claimed_key: KeyRequest | None) -> DebtRepaid:
        now = services.clock.now()
        async with services.unit_of_work() as uow:
            session = uow.session
            claim = await idempotency.claim_if_keyed(session, claimed_key, now)
            debt = await users.change_debt(session, viewer.id, 0)  # locks the player's row
            balance = await wallet.locked_balance(session, viewer.id)
            repaid = repayment(debt, balance)
            posted = []
            if repaid:
                posted = await wallet.move_gold(
                    session,
                    user_id=viewer.id,
                    movements=[Movement(-repaid, LedgerReason.DEBT_REPAYMENT, "repayDebt")],
                    now=now,
                )
                debt = await users.change_debt(session, viewer.id, -repaid)
                forget_sessions_after_commit(services, uow, viewer.id)
            answer = DebtRepaid(repaid=repaid, debt=debt, balance=balance - repaid)
            if claim is not None:
                await idempotency.complete(session, claim, answer, now)
            publish_after_commit(services, uow, viewer.id, balance_events(posted, now))
            await uow.commit()
        return answer

    return await run_idempotent(context, request, work=work, replay=DebtRepaid)
