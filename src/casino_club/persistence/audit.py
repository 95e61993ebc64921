"""The operators' audit trail: every admin change, with before and after and the
request that made it. Rows are only ever inserted: nothing here updates or deletes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.observability import request_id_var
from casino_club.persistence.models import AuditLog


def _dump(value: dict[str, Any] | None) -> str | None:
    return None if value is None else orjson.dumps(value, default=str).decode()


async def record(
    session: AsyncSession,
    *,
    actor_id: int | None,
    action: str,
    target: str | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    now: datetime,
) -> None:
    session.add(
        AuditLog(
            actor_id=actor_id,
            action=action,
            target=target,
            before=_dump(before),
            after=_dump(after),
            request_id=request_id_var.get(),
            created_at=now,
        )
    )
    await session.flush()


@dataclass(frozen=True, slots=True)
class AuditFilter:
    actor_id: int | None = None
    action: str | None = None
    target: str | None = None
    since: datetime | None = None


async def page(
    session: AsyncSession, where: AuditFilter, *, after_id: int | None, limit: int
) -> list[AuditLog]:
    """Audit rows matching the filter, newest first, keyset-paginated by id."""
    query = select(AuditLog)
    if where.actor_id is not None:
        query = query.where(AuditLog.actor_id == where.actor_id)
    if where.action is not None:
        query = query.where(AuditLog.action == where.action)
    if where.target is not None:
        query = query.where(AuditLog.target == where.target)
    if where.since is not None:
        query = query.where(AuditLog.created_at >= where.since)
    if after_id is not None:
        query = query.where(AuditLog.id < after_id)
    return list((await session.scalars(query.order_by(AuditLog.id.desc()).limit(limit))).all())


async def by_ids(session: AsyncSession, ids: Sequence[int]) -> list[AuditLog]:
    return list((await session.scalars(select(AuditLog).where(AuditLog.id.in_(ids)))).all())
