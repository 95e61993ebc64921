"""Refunds and debt (SPEC §7.6).

An operator refunds a succeeded purchase: the provider returns the money first (outside
any transaction; the purchase id is the provider's idempotency key), then one
transaction marks it REFUNDED — once, whoever else tries — takes the gold back through
the ledger as far as the balance allows, and records the rest as debt. A player in debt
cannot play (betting.py) until it is repaid: a purchase repays it first
(payment_settlement), or `repayDebt` pays it from the balance.
"""

from __future__ import annotations

from casino_club.context import Context, Viewer
from casino_club.domain.ledger import LedgerReason, Movement
from casino_club.domain.payments import PurchaseStatus, claw_back, repayment
from casino_club.payments.gateway import GatewayTimeout, PaymentState
from casino_club.persistence import audit, idempotency, purchases, users, wallet
from casino_club.persistence.idempotency import KeyRequest
from casino_club.resolvers.access import forget_sessions_after_commit
from casino_club.resolvers.guards import key_request, reason_problem, run_idempotent
from casino_club.resolvers.live import balance_events, publish_after_commit
from casino_club.resolvers.payment_settlement import reference
from casino_club.schema.errors import ValidationFailed
from casino_club.schema.ids import parse_id
from casino_club.schema.purchases import Purchase
from casino_club.schema.refunds import (
    DebtRepaid,
    NotRefundable,
    PurchaseNotFound,
    PurchaseRefunded,
    RefundFailed,
    RefundPurchaseInput,
    RefundPurchaseResult,
    RepayDebtInput,
    RepayDebtResult,
)
from casino_club.schema.scalars import Gold


async def refund_purchase(
    context: Context, viewer: Viewer, data: RefundPurchaseInput
) -> RefundPurchaseResult:
    services = context.services
    invalid = reason_problem(data.reason)
    if invalid is not None:
        return invalid
    purchase_id = parse_id(data.transaction_id)
    if purchase_id is None:
        return PurchaseNotFound.new()
    async with services.sessionmaker() as session:
        found = await purchases.get(session, purchase_id)
    if found is None:
        return PurchaseNotFound.new()
    if found.status != PurchaseStatus.SUCCEEDED:
        return NotRefundable.new(found.status)
    if found.gateway_payment_id is None:  # settled by a webhook that named no payment
        return RefundFailed.new("payment_unknown")
    try:
        returned = await services.payments.refund(
            found.gateway_payment_id,
            found.amount_cents,
            reference=f"refund:{reference(found.id)}",
        )
    except GatewayTimeout:
        return RefundFailed.new("gateway_timeout")
    if returned.state != PaymentState.REFUNDED:
        return RefundFailed.new(returned.reason or returned.state.value.lower())

    now = services.clock.now()
    async with services.unit_of_work() as uow:
        session = uow.session
        row = await purchases.mark_refunded(session, purchase_id, data.reason.strip(), now)
        if row is None:  # refunded (or changed) meanwhile by someone else
            current = await purchases.get(session, purchase_id)
            assert current is not None
            return NotRefundable.new(current.status)
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
            actor_id=viewer.id,
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
        await uow.commit()
    return PurchaseRefunded(
        purchase=Purchase.of(row), gold_taken=Gold(split.taken), debt_added=Gold(split.debt)
    )


async def repay_debt(context: Context, viewer: Viewer, data: RepayDebtInput) -> RepayDebtResult:
    """Pay the debt from the balance, as far as it goes."""
    services = context.services
    key = key_request(
        context, viewer, key=data.idempotency_key, operation="repayDebt", parameters={}
    )
    if isinstance(key, ValidationFailed):
        return key

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
            answer = DebtRepaid(
                repaid=Gold(repaid),
                debt=Gold(debt),
                balance=Gold(balance - repaid),
                replayed=False,
            )
            if claim is not None:
                await idempotency.complete(session, claim, answer.to_payload(), now)
            publish_after_commit(services, uow, viewer.id, balance_events(posted, now))
            await uow.commit()
        return answer

    return await run_idempotent(
        context,
        key,
        work=work,
        replay=lambda payload: DebtRepaid.from_payload(payload, replayed=True),
    )
