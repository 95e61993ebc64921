"""Invite codes and their atomic consumption."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.domain.invites import InviteState
from casino_club.persistence.models import InviteCode


def state_of(row: InviteCode) -> InviteState:
    return InviteState(
        expires_at=row.expires_at,
        max_uses=row.max_uses,
        used_count=row.used_count,
        disabled=row.disabled_at is not None,
    )


async def by_code(session: AsyncSession, code: str) -> InviteCode | None:
    return await session.scalar(select(InviteCode).where(InviteCode.code == code))


def _usable(now: datetime) -> ColumnElement[bool]:
    """A code a sign-up could use now (domain.invites.invite_problem, in SQL)."""
    return and_(
        InviteCode.disabled_at.is_(None),
        or_(InviteCode.expires_at.is_(None), InviteCode.expires_at > now),
        or_(InviteCode.max_uses.is_(None), InviteCode.used_count < InviteCode.max_uses),
    )


async def consume(session: AsyncSession, code: str, now: datetime) -> bool:
    """Use one of the code's uses if it is valid now; never over-uses under concurrency."""
    result = await session.execute(
        update(InviteCode)
        .where(InviteCode.code == code, _usable(now))
        .values(used_count=InviteCode.used_count + 1)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def usable_codes(session: AsyncSession, now: datetime) -> list[str]:
    """Every code a sign-up could use now."""
    return list((await session.scalars(select(InviteCode.code).where(_usable(now)))).all())


async def create(
    session: AsyncSession,
    *,
    code: str,
    max_uses: int | None,
    expires_at: datetime | None,
    created_by: int | None,
    now: datetime,
) -> InviteCode:
    row = InviteCode(
        code=code,
        max_uses=max_uses,
        expires_at=expires_at,
        used_count=0,
        created_by=created_by,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return row


async def page(session: AsyncSession, *, after_id: int | None, limit: int) -> list[InviteCode]:
    query = select(InviteCode)
    if after_id is not None:
        query = query.where(InviteCode.id < after_id)
    return list((await session.scalars(query.order_by(InviteCode.id.desc()).limit(limit))).all())


async def by_ids(session: AsyncSession, ids: Sequence[int]) -> list[InviteCode]:
    return list((await session.scalars(select(InviteCode).where(InviteCode.id.in_(ids)))).all())
