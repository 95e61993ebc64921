"""The record of every login attempt, and the failures that drive the lockout."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.persistence.models import LoginAttempt

# Failures that count towards a lock; refusals during a lock do not (domain.login_lockout).
COUNTED_FAILURES = ("BAD_PASSWORD",)


async def record(
    session: AsyncSession,
    *,
    user_id: int | None,
    site_id: str,
    ip: str | None,
    user_agent: str | None,
    outcome: str,
    now: datetime,
) -> None:
    session.add(
        LoginAttempt(
            user_id=user_id,
            site_id=site_id[:64],
            ip=ip,
            user_agent=(user_agent or "")[:256] or None,
            success=outcome == "SUCCESS",
            outcome=outcome,
            created_at=now,
        )
    )
    await session.flush()


async def recent_failures(session: AsyncSession, user_id: int, since: datetime) -> list[datetime]:
    """Counted failures after `since` and after the user's last successful login."""
    last_success_id = await session.scalar(
        select(func.max(LoginAttempt.id)).where(
            LoginAttempt.user_id == user_id, LoginAttempt.success.is_(True)
        )
    )
    query = select(LoginAttempt.created_at).where(
        LoginAttempt.user_id == user_id,
        LoginAttempt.outcome.in_(COUNTED_FAILURES),
        LoginAttempt.created_at > since,
    )
    if last_success_id is not None:
        query = query.where(LoginAttempt.id > last_success_id)
    return list((await session.scalars(query)).all())


async def page_for_user(
    session: AsyncSession, user_id: int, *, after_id: int | None, limit: int
) -> list[LoginAttempt]:
    """Newest first, keyset-paginated by id."""
    query = select(LoginAttempt).where(LoginAttempt.user_id == user_id)
    if after_id is not None:
        query = query.where(LoginAttempt.id < after_id)
    rows = await session.scalars(query.order_by(LoginAttempt.id.desc()).limit(limit))
    return list(rows.all())
