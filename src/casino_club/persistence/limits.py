"""Limits players set on themselves (SPEC §5.5), one row per player and kind."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.domain.limits import Limit, LimitKind
from casino_club.persistence.database import insert_for
from casino_club.persistence.models import PlayerLimit


async def of(session: AsyncSession, user_id: int) -> dict[LimitKind, Limit]:
    """The player's limits as stored (`Limit.at` tells what is in force); a kind never
    set is no limit."""
    rows = await session.scalars(select(PlayerLimit).where(PlayerLimit.user_id == user_id))
    stored = {
        LimitKind(row.kind): Limit(row.amount, row.pending, row.pending_amount, row.pending_from)
        for row in rows
    }
    return {kind: stored.get(kind, Limit()) for kind in LimitKind}


async def put(
    session: AsyncSession, user_id: int, kind: LimitKind, limit: Limit, now: datetime
) -> None:
    values = {
        "user_id": user_id,
        "kind": kind.value,
        "amount": limit.amount,
        "pending": limit.pending,
        "pending_amount": limit.pending_amount,
        "pending_from": limit.pending_from,
        "updated_at": now,
    }
    statement = insert_for(session, PlayerLimit).values(**values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[PlayerLimit.user_id, PlayerLimit.kind],
            set_={
                name: statement.excluded[name] for name in values if name not in ("user_id", "kind")
            },
        )
    )
