"""The record of every login attempt, and the failures that drive the lockout."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.domain.login_lockout import LoginOutcome
from casino_club.persistence.models import LoginAttempt

# Failures that count towards a lock; refusals during a lock do not (domain.login_lockout).
COUNTED_FAILURES = (LoginOutcome.BAD_PASSWORD.value,)


async def record(
    session: AsyncSession,
    *,
    user_id: int | None,
    site_id: str,
    ip: str | None,
    user_agent: str | None,
    outcome: LoginOutcome,
    now: datetime,
) -> int:
    """Record an attempt; its id, so a reserved check can be given its real outcome."""
    row = LoginAttempt(
        user_id=user_id,
        site_id=site_id[:64],
        ip=(ip or "")[:64] or None,
        user_agent=(user_agent or "")[:256] or None,
        success=outcome is LoginOutcome.SUCCESS,
        outcome=outcome.value,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return row.id


async def resolve(session: AsyncSession, attempt_id: int, outcome: LoginOutcome) -> None:
    """Give a reserved password check (recorded as a failure) its real outcome."""
    await session.execute(
        update(LoginAttempt)
        .where(LoginAttempt.id == attempt_id)
        .values(outcome=outcome.value, success=outcome is LoginOutcome.SUCCESS)
    )


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
