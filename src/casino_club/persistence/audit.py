"""The operators' audit trail: every admin change, with before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

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
            created_at=now,
        )
    )
    await session.flush()
