"""Idempotency keys for money mutations (SPEC §2.5, §7.6; Stripe's semantics).

A key is claimed in its own short transaction before the work starts, so a concurrent
duplicate sees it at once (`InUse`) instead of waiting. The work's own transaction marks
it COMPLETED with the result, so "money moved" and "result stored" commit together. A
claim whose work failed without moving anything is released, so the retry runs again;
a claim left behind by a crash (IN_PROGRESS past `stale_after`) can be taken over —
its work never committed, because completion is part of that commit.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from casino_club.persistence.models import IdempotencyKey, table

IN_PROGRESS = "IN_PROGRESS"
COMPLETED = "COMPLETED"


@dataclass(frozen=True, slots=True)
class Claimed:
    record_id: int


@dataclass(frozen=True, slots=True)
class Replay:
    response: dict[str, Any]


@dataclass(frozen=True, slots=True)
class InUse:
    pass


@dataclass(frozen=True, slots=True)
class Reused:
    pass


ClaimResult = Claimed | Replay | InUse | Reused


def fingerprint(operation: str, parameters: dict[str, Any]) -> str:
    canonical = orjson.dumps(
        {"operation": operation, "parameters": parameters}, option=orjson.OPT_SORT_KEYS
    )
    return hashlib.sha256(canonical).hexdigest()


async def claim(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    user_id: int,
    key: str,
    operation: str,
    parameters: dict[str, Any],
    now: datetime,
    stale_after: timedelta,
    retention: timedelta,
) -> ClaimResult:
    print_ = fingerprint(operation, parameters)
    async with sessionmaker() as session:
        try:
            async with session.begin():
                record = IdempotencyKey(
                    user_id=user_id,
                    key=key,
                    operation=operation,
                    fingerprint=print_,
                    state=IN_PROGRESS,
                    created_at=now,
                )
                session.add(record)
                await session.flush()
                return Claimed(record.id)
        except IntegrityError:
            pass
        async with session.begin():
            existing = await session.scalar(
                select(IdempotencyKey).where(
                    IdempotencyKey.user_id == user_id, IdempotencyKey.key == key
                )
            )
            if existing is None:  # released between our insert and this read: try again once
                record = IdempotencyKey(
                    user_id=user_id,
                    key=key,
                    operation=operation,
                    fingerprint=print_,
                    state=IN_PROGRESS,
                    created_at=now,
                )
                session.add(record)
                await session.flush()
                return Claimed(record.id)
            expired = existing.created_at <= now - retention
            if not expired and (existing.operation != operation or existing.fingerprint != print_):
                return Reused()
            if existing.state == COMPLETED and not expired:
                return Replay(orjson.loads(existing.response or "{}"))
            if existing.state == IN_PROGRESS and existing.created_at > now - stale_after:
                return InUse()
            # Expired, or abandoned by a crashed request: take it over.
            taken = await session.execute(
                update(IdempotencyKey)
                .where(
                    IdempotencyKey.id == existing.id,
                    IdempotencyKey.created_at == existing.created_at,
                )
                .values(
                    operation=operation,
                    fingerprint=print_,
                    state=IN_PROGRESS,
                    response=None,
                    created_at=now,
                    completed_at=None,
                )
            )
            if not taken.rowcount:  # type: ignore[attr-defined]
                return InUse()
            return Claimed(existing.id)


async def complete(
    session: AsyncSession, claimed: Claimed, response: dict[str, Any], now: datetime
) -> None:
    """Store the result, in the same transaction as the work it describes."""
    keys = table(IdempotencyKey)
    await session.execute(
        update(keys)
        .where(keys.c.id == claimed.record_id)
        .values(state=COMPLETED, response=orjson.dumps(response).decode(), completed_at=now)
    )


async def release(sessionmaker: async_sessionmaker[AsyncSession], claimed: Claimed) -> None:
    """Forget a claim whose work changed nothing, so a retry runs it again."""
    async with sessionmaker() as session, session.begin():
        await session.execute(
            delete(IdempotencyKey).where(
                IdempotencyKey.id == claimed.record_id, IdempotencyKey.state == IN_PROGRESS
            )
        )


async def purge_expired(session: AsyncSession, before: datetime) -> int:
    result = await session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < before))
    return int(result.rowcount)  # type: ignore[attr-defined]
