"""Clients' activity events (append-only) and each player's totals, written together;
and what operators read of a player's activity."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.domain.activity import ActivityCounts, ActivityEvent, PlayerActivity
from casino_club.domain.payments import PurchaseStatus
from casino_club.persistence.database import insert_for
from casino_club.persistence.models import ActivityEvent as ActivityEventRow
from casino_club.persistence.models import GameRound, Purchase, User, UserActivity

COUNTERS = tuple(field.name for field in fields(ActivityCounts))


async def record(session: AsyncSession, user_id: int, event: ActivityEvent, now: datetime) -> bool:
    """Keep the event and add it to the player's totals; False (nothing written) when the
    player already sent this eventId. The unique (player, eventId) decides between
    retries at once: one inserts, the others insert nothing and add nothing."""
    inserted = await session.execute(
        insert_for(session, ActivityEventRow)
        .values(
            user_id=user_id,
            event_type=event.type.value,
            event_id=event.event_id,
            metadata=event.metadata,
            client_ts=event.client_ts,
            recorded_at=now,
        )
        .on_conflict_do_nothing(index_elements=["user_id", "event_id"])
    )
    if not inserted.rowcount:  # type: ignore[attr-defined]
        return False
    counts = event.counts
    totals = insert_for(session, UserActivity).values(
        user_id=user_id,
        last_seen_at=now,
        **{name: getattr(counts, name) for name in COUNTERS},
    )
    await session.execute(
        totals.on_conflict_do_update(
            index_elements=["user_id"],
            set_={
                "last_seen_at": totals.excluded.last_seen_at,
                **{
                    name: getattr(UserActivity, name) + getattr(totals.excluded, name)
                    for name in COUNTERS
                },
            },
        )
    )
    return True


async def of_player(session: AsyncSession, user_id: int) -> PlayerActivity:
    """The player's totals, and their last login, play and purchase from those records
    (each one indexed row: the newest of the player's)."""
    totals = await session.get(UserActivity, user_id)
    last_login = await session.scalar(select(User.last_login_at).where(User.id == user_id))
    last_play = await session.scalar(
        select(GameRound.created_at)
        .where(GameRound.user_id == user_id)
        .order_by(GameRound.id.desc())
        .limit(1)
    )
    last_purchase = await session.scalar(
        select(Purchase.settled_at)
        .where(
            Purchase.user_id == user_id,
            Purchase.status.in_(
                [PurchaseStatus.SUCCEEDED.value, PurchaseStatus.REFUND_PENDING.value]
            ),
        )
        .order_by(Purchase.id.desc())
        .limit(1)
    )
    counts = (
        ActivityCounts(**{name: getattr(totals, name) for name in COUNTERS})
        if totals is not None
        else ActivityCounts()
    )
    return PlayerActivity(
        counts=counts,
        last_seen_at=totals.last_seen_at if totals is not None else None,
        last_login_at=last_login,
        last_play_at=last_play,
        last_purchase_at=last_purchase,
    )
