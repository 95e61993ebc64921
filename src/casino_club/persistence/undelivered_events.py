"""Committed events that could not be published, kept until the relay publishes them
(live/outbox.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.persistence.models import UndeliveredEvents

# Any fixed number: PostgreSQL's advisory lock that makes one instance the relay at a time.
RELAY_LOCK = 0x0CC0_E7E1


async def keep(
    session: AsyncSession,
    channel: str,
    events: Sequence[dict[str, Any]],
    batch_key: str,
    now: datetime,
) -> None:
    session.add(
        UndeliveredEvents(
            channel=channel,
            events=orjson.dumps(list(events)).decode(),
            batch_key=batch_key,
            created_at=now,
        )
    )


async def channels_waiting(session: AsyncSession) -> set[str]:
    return set(await session.scalars(select(UndeliveredEvents.channel).distinct()))


async def take_the_relay(session: AsyncSession) -> bool:
    """For the transaction: whether this instance relays now (one at a time keeps each
    channel's events in order). SQLite has one writer at a time anyway."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(await session.scalar(select(func.pg_try_advisory_xact_lock(RELAY_LOCK))))


async def oldest(session: AsyncSession, limit: int) -> list[UndeliveredEvents]:
    rows = await session.scalars(
        select(UndeliveredEvents).order_by(UndeliveredEvents.id).limit(limit)
    )
    return list(rows)


async def remove(session: AsyncSession, row_id: int) -> None:
    await session.execute(delete(UndeliveredEvents).where(UndeliveredEvents.id == row_id))
