"""Limits players set on themselves (SPEC §5.5), one row per player and kind."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.domain.ledger import AT_PLAY
from casino_club.domain.limits import Limit, LimitKind, LossLimitHit, loss_refusal
from casino_club.persistence.database import insert_for, rows_since
from casino_club.persistence.driver import Statements, statements
from casino_club.persistence.models import LedgerEntry, PlayerLimit, table


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


_ledger, _limits = table(LedgerEntry), table(PlayerLimit)
_LOST_TODAY = (
    select(-func.coalesce(func.sum(_ledger.c.amount), 0))
    .where(
        _ledger.c.user_id == bindparam("uid"),
        rows_since(
            _ledger.c.id,
            _ledger.c.user_id,
            _ledger.c.created_at,
            bindparam("uid"),
            bindparam("since"),
        ),
        or_(*(_ledger.c.reason == reason.value for reason in sorted(AT_PLAY))),
    )
    .scalar_subquery()
)
# The daily loss limit and the day's net loss at play so far; no row: no limit. Run
# inside the bet's transaction once its seed row is held, so that one player's bets are
# checked one at a time against what the ones before them lost (and, on the driver
# path, by postgres_bets).
LOSS_CHECK = select(
    _limits.c.amount,
    _limits.c.pending,
    _limits.c.pending_amount,
    _limits.c.pending_from,
    _LOST_TODAY.label("lost"),
).where(_limits.c.user_id == bindparam("uid"), _limits.c.kind == LimitKind.DAILY_LOSS.value)


def loss_verdict(row: Any, stake: int, now: datetime) -> LossLimitHit | None:
    """LOSS_CHECK's row (or None) judged for a stake: refused, or None to go on."""
    if row is None:
        return None
    limit = Limit(row[0], bool(row[1]), row[2], row[3])
    return loss_refusal(limit, int(row[4]), stake, now)


async def check_loss(
    on: AsyncSession | Statements, user_id: int, stake: int, since: datetime, now: datetime
) -> LossLimitHit | None:
    """Whether the daily loss limit refuses this stake; `since`: the game day's start."""
    found = await statements(on).rows(LOSS_CHECK, {"uid": user_id, "since": since})
    return loss_verdict(tuple(found[0].values()) if found else None, stake, now)
