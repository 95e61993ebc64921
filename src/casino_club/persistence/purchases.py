"""Purchase records (SPEC §7.2, §7.6) and the webhook events already processed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.domain.payments import BackOff, FailureReason, PurchaseStatus
from casino_club.domain.payments import Purchase as PurchaseValue
from casino_club.domain.shop import Currency, Quote
from casino_club.persistence.database import insert_for
from casino_club.persistence.models import PaymentWebhookEvent, Purchase


async def open_purchase(
    session: AsyncSession,
    *,
    user_id: int,
    quote: Quote,
    package_sku: str | None,
    promo_code: str | None,
    spend_usd_cents: int,
    key: str,
    gateway: str,
    now: datetime,
) -> PurchaseValue:
    """Record a purchase as PENDING, before any money is asked for."""
    row = Purchase(
        user_id=user_id,
        idempotency_key=key,
        sku=quote.sku,
        quantity=quote.quantity,
        currency=quote.currency.value,
        unit_price_cents=quote.unit_price_cents,
        amount_cents=quote.amount_cents,
        gold=quote.gold,
        bonus_gold=quote.bonus_gold,
        status=PurchaseStatus.PENDING.value,
        package_sku=package_sku,
        promo_code=promo_code,
        spend_usd_cents=spend_usd_cents,
        gateway=gateway,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return _value(row)


async def get(session: AsyncSession, purchase_id: int) -> PurchaseValue | None:
    return _optional(await session.get(Purchase, purchase_id, populate_existing=True))


async def leave_pending(
    session: AsyncSession,
    purchase_id: int,
    *,
    status: PurchaseStatus,
    reason: FailureReason | None,
    payment_id: str | None,
    receipt_code: str | None,
    now: datetime,
) -> PurchaseValue | None:
    """The one transition out of PENDING: the row if this call made it, None if the
    purchase had already left PENDING (someone else settled it first).

    The guarded UPDATE is the transaction's first write, so concurrent settlers queue
    on the row (or on SQLite's single writer) and only the first matches."""
    values: dict[str, object] = {
        "status": status.value,
        "failure_reason": None if reason is None else reason.value,
        "receipt_code": receipt_code,
        "settled_at": now,
    }
    conditions = [Purchase.id == purchase_id, Purchase.status == PurchaseStatus.PENDING.value]
    if payment_id is not None:
        values["gateway_payment_id"] = payment_id
        # News of another payment than the one this purchase made changes nothing.
        conditions.append(
            or_(Purchase.gateway_payment_id.is_(None), Purchase.gateway_payment_id == payment_id)
        )
    statement = (
        update(Purchase)
        .where(*conditions)
        .values(**values)
        .returning(Purchase)
        .execution_options(populate_existing=True)
    )
    return _optional((await session.scalars(statement)).one_or_none())


async def note_payment(
    session: AsyncSession, purchase_id: int, payment_id: str | None
) -> PurchaseValue | None:
    """A purchase left PENDING by the gateway: remember its payment (to poll it later);
    the row, or None if it is no longer PENDING."""
    statement = (
        update(Purchase)
        .where(Purchase.id == purchase_id, Purchase.status == PurchaseStatus.PENDING.value)
        .values(gateway_payment_id=func.coalesce(payment_id, Purchase.gateway_payment_id))
        .returning(Purchase)
        .execution_options(populate_existing=True)
    )
    return _optional((await session.scalars(statement)).one_or_none())


async def record_late_capture(
    session: AsyncSession, purchase_id: int, payment_id: str
) -> PurchaseValue | None:
    """A purchase that had left PENDING unpaid was captured late and refunded: say so on
    it (SPEC §7.7), with the payment if it had none; the row if this call recorded it."""
    statement = (
        update(Purchase)
        .where(
            Purchase.id == purchase_id,
            Purchase.status.in_([PurchaseStatus.FAILED.value, PurchaseStatus.VOIDED.value]),
            Purchase.failure_reason.is_distinct_from(FailureReason.LATE_CAPTURE_REFUNDED.value),
        )
        .values(
            failure_reason=FailureReason.LATE_CAPTURE_REFUNDED.value,
            gateway_payment_id=func.coalesce(Purchase.gateway_payment_id, payment_id),
            late_payment_id=None,
            next_check_at=None,
        )
        .returning(Purchase)
        .execution_options(populate_existing=True)
    )
    return _optional((await session.scalars(statement)).one_or_none())


UNPAID = (PurchaseStatus.FAILED.value, PurchaseStatus.VOIDED.value)


async def owe_give_back(
    session: AsyncSession, purchase_id: int, payment_id: str, next_check_at: datetime
) -> None:
    """A late payment the provider did not give back when asked: kept on the unpaid
    purchase for the sweeper to ask again (`owed_give_backs`), with a back-off."""
    await session.execute(
        update(Purchase)
        .where(
            Purchase.id == purchase_id,
            Purchase.status.in_(UNPAID),
            or_(Purchase.late_payment_id.is_(None), Purchase.late_payment_id == payment_id),
        )
        .values(
            late_payment_id=payment_id,
            next_check_at=next_check_at,
            checks=case((Purchase.late_payment_id.is_(None), 0), else_=Purchase.checks + 1),
        )
    )


async def given_back(session: AsyncSession, purchase_id: int, payment_id: str) -> None:
    """The late payment holds nothing any more (voided, failed, refunded)."""
    await session.execute(
        update(Purchase)
        .where(Purchase.id == purchase_id, Purchase.late_payment_id == payment_id)
        .values(late_payment_id=None, next_check_at=None)
    )


async def owed_give_backs(
    session: AsyncSession, now: datetime, limit: int
) -> list[tuple[int, str]]:
    """(id, payment id) of unpaid purchases whose late payment is still to give back and
    due for another try, longest waiting first."""
    rows = await session.execute(
        select(Purchase.id, Purchase.late_payment_id)
        .where(
            Purchase.status.in_(UNPAID),
            Purchase.late_payment_id.is_not(None),
            or_(Purchase.next_check_at.is_(None), Purchase.next_check_at <= now),
        )
        .order_by(Purchase.next_check_at)
        .limit(limit)
    )
    return [(int(i), str(p)) for i, p in rows.all()]


async def sign(session: AsyncSession, purchase_id: int, signature: str) -> None:
    await session.execute(
        update(Purchase).where(Purchase.id == purchase_id).values(receipt_signature=signature)
    )


def _value(row: Purchase) -> PurchaseValue:
    return PurchaseValue(
        id=row.id,
        user_id=row.user_id,
        idempotency_key=row.idempotency_key,
        sku=row.sku,
        quantity=row.quantity,
        currency=Currency(row.currency),
        unit_price_cents=row.unit_price_cents,
        amount_cents=row.amount_cents,
        gold=row.gold,
        bonus_gold=row.bonus_gold,
        status=PurchaseStatus(row.status),
        failure_reason=None if row.failure_reason is None else FailureReason(row.failure_reason),
        package_sku=row.package_sku,
        promo_code=row.promo_code,
        spend_usd_cents=row.spend_usd_cents,
        gateway=row.gateway,
        gateway_payment_id=row.gateway_payment_id,
        receipt_code=row.receipt_code,
        receipt_signature=row.receipt_signature,
        created_at=row.created_at,
        settled_at=row.settled_at,
        refunded_at=row.refunded_at,
        refund_reason=row.refund_reason,
        refund_actor_id=row.refund_actor_id,
        late_payment_id=row.late_payment_id,
    )


def _optional(row: Purchase | None) -> PurchaseValue | None:
    return None if row is None else _value(row)


async def by_receipt_code(session: AsyncSession, code: str) -> PurchaseValue | None:
    row = await session.scalars(select(Purchase).where(Purchase.receipt_code == code))
    return _optional(row.one_or_none())


async def stale(
    session: AsyncSession,
    *,
    products_before: datetime,
    packages_before: datetime,
    now: datetime,
    limit: int,
) -> list[tuple[int, str | None, bool]]:
    """(id, payment id, holds a package unit) of purchases still PENDING that were opened
    before their kind's limit and are due for a check (SPEC §7.7): never checked first,
    then by the time their back-off ends, oldest first — so a purchase the provider does
    not answer about waits its turn instead of holding its place at the front."""
    rows = await session.execute(
        select(Purchase.id, Purchase.gateway_payment_id, Purchase.package_sku.is_not(None))
        .where(
            Purchase.status == PurchaseStatus.PENDING.value,
            or_(
                and_(Purchase.package_sku.is_(None), Purchase.created_at < products_before),
                and_(Purchase.package_sku.is_not(None), Purchase.created_at < packages_before),
            ),
            or_(Purchase.next_check_at.is_(None), Purchase.next_check_at <= now),
        )
        .order_by(Purchase.next_check_at.is_not(None), Purchase.next_check_at, Purchase.created_at)
        .limit(limit)
    )
    return [(int(i), p, bool(held)) for i, p, held in rows.all()]


async def check_later(
    session: AsyncSession, purchase_id: int, backoff: BackOff, now: datetime
) -> None:
    """The provider did not answer about a PENDING purchase: its next check waits, the
    longer the more checks went unanswered."""
    checks = await checks_of(session, purchase_id)
    await session.execute(
        update(Purchase)
        .where(Purchase.id == purchase_id, Purchase.status == PurchaseStatus.PENDING.value)
        .values(next_check_at=now + backoff.after(checks), checks=Purchase.checks + 1)
    )


async def page(
    session: AsyncSession, user_id: int, *, after_id: int | None, limit: int
) -> list[PurchaseValue]:
    """A player's purchases, newest first, keyset-paginated by id."""
    query = select(Purchase).where(Purchase.user_id == user_id)
    if after_id is not None:
        query = query.where(Purchase.id < after_id)
    rows = await session.scalars(query.order_by(Purchase.id.desc()).limit(limit))
    return [_value(row) for row in rows]


async def first_delivery(
    session: AsyncSession, event_id: str, event_type: str, now: datetime
) -> bool:
    """Record a webhook event as processed; False if it already was (a replay)."""
    statement = (
        insert_for(session, PaymentWebhookEvent)
        .values(event_id=event_id, event_type=event_type, received_at=now)
        .on_conflict_do_nothing(index_elements=[PaymentWebhookEvent.event_id])
        .returning(PaymentWebhookEvent.event_id)
    )
    return (await session.scalar(statement)) is not None


async def begin_refund(
    session: AsyncSession,
    purchase_id: int,
    *,
    reason: str,
    actor_id: int | None,
    retry_at: datetime,
) -> PurchaseValue | None:
    """SUCCEEDED → REFUND_PENDING, once, before the provider is asked (SPEC §7.7): should
    the process die before the refund is recorded, the refund job finishes it (from
    `retry_at`). The row if this call made it, else None."""
    statement = (
        update(Purchase)
        .where(Purchase.id == purchase_id, Purchase.status == PurchaseStatus.SUCCEEDED.value)
        .values(
            status=PurchaseStatus.REFUND_PENDING.value,
            refund_reason=reason,
            refund_actor_id=actor_id,
            next_check_at=retry_at,
            checks=0,  # the refund's own back-off, not what the sweeper's checks reached
        )
        .returning(Purchase)
        .execution_options(populate_existing=True)
    )
    return _optional((await session.scalars(statement)).one_or_none())


async def abandon_refund(session: AsyncSession, purchase_id: int) -> None:
    """REFUND_PENDING → SUCCEEDED: the provider refused the refund, the money stays paid."""
    await session.execute(
        update(Purchase)
        .where(Purchase.id == purchase_id, Purchase.status == PurchaseStatus.REFUND_PENDING.value)
        .values(
            status=PurchaseStatus.SUCCEEDED.value,
            refund_reason=None,
            refund_actor_id=None,
            next_check_at=None,
        )
    )


async def checks_of(session: AsyncSession, purchase_id: int) -> int:
    """How many of the purchase's checks (sweeps, refund tries) went unanswered."""
    return int(await session.scalar(select(Purchase.checks).where(Purchase.id == purchase_id)) or 0)


async def retry_refund_at(session: AsyncSession, purchase_id: int, when: datetime) -> None:
    await session.execute(
        update(Purchase)
        .where(Purchase.id == purchase_id, Purchase.status == PurchaseStatus.REFUND_PENDING.value)
        .values(next_check_at=when, checks=Purchase.checks + 1)
    )


async def mark_refunded(
    session: AsyncSession, purchase_id: int, reason: str | None, now: datetime
) -> PurchaseValue | None:
    """SUCCEEDED or REFUND_PENDING → REFUNDED, once (the money is back with the buyer);
    `reason` is kept only if the refund began without one. The row if this call made it."""
    statement = (
        update(Purchase)
        .where(
            Purchase.id == purchase_id,
            Purchase.status.in_(
                [PurchaseStatus.SUCCEEDED.value, PurchaseStatus.REFUND_PENDING.value]
            ),
        )
        .values(
            status=PurchaseStatus.REFUNDED.value,
            refunded_at=now,
            refund_reason=func.coalesce(Purchase.refund_reason, reason),
            next_check_at=None,
        )
        .returning(Purchase)
        .execution_options(populate_existing=True)
    )
    return _optional((await session.scalars(statement)).one_or_none())


async def refunds_due(session: AsyncSession, now: datetime, limit: int) -> list[int]:
    """Purchases whose refund began but was not recorded, due for another try."""
    rows = await session.scalars(
        select(Purchase.id)
        .where(
            Purchase.status == PurchaseStatus.REFUND_PENDING.value,
            or_(Purchase.next_check_at.is_(None), Purchase.next_check_at <= now),
        )
        .order_by(Purchase.next_check_at)
        .limit(limit)
    )
    return [int(i) for i in rows]


async def spent_since(session: AsyncSession, user_id: int, since: datetime) -> int:
    """USD cents of the player's purchases opened since `since` that took or may take
    money (pending or paid; not failed, voided or refunded)."""
    total = await session.scalar(
        select(func.coalesce(func.sum(Purchase.spend_usd_cents), 0)).where(
            Purchase.user_id == user_id,
            Purchase.created_at >= since,
            Purchase.status.in_(
                [
                    PurchaseStatus.PENDING.value,
                    PurchaseStatus.SUCCEEDED.value,
                    PurchaseStatus.REFUND_PENDING.value,  # paid until the refund is done
                ]
            ),
        )
    )
    return int(total or 0)


async def owned(session: AsyncSession, user_id: int, ids: Sequence[int]) -> list[PurchaseValue]:
    """The player's purchases among `ids` (another player's are not found)."""
    query = select(Purchase).where(Purchase.user_id == user_id, Purchase.id.in_(ids))
    return [_value(row) for row in await session.scalars(query)]
