"""Login sessions and their rotating refresh tokens."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import and_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from casino_club.domain.accounts import SessionEnd
from casino_club.persistence.models import AuthSession, RefreshToken, User


async def open_session(
    session: AsyncSession,
    *,
    user_id: int,
    refresh_hash: str,
    ttl: timedelta,
    now: datetime,
    ip: str | None,
    user_agent: str | None,
) -> AuthSession:
    auth = AuthSession(
        id=uuid.uuid4().hex,
        user_id=user_id,
        created_at=now,
        expires_at=now + ttl,
        ip=ip,
        user_agent=user_agent,
    )
    session.add(auth)
    await session.flush()
    await add_refresh_token(session, auth.id, refresh_hash, now + ttl, now)
    return auth


async def add_refresh_token(
    session: AsyncSession, session_id: str, refresh_hash: str, expires_at: datetime, now: datetime
) -> None:
    session.add(
        RefreshToken(
            token_hash=refresh_hash, session_id=session_id, created_at=now, expires_at=expires_at
        )
    )
    await session.flush()


async def refresh_token_with_session(
    session: AsyncSession, refresh_hash: str
) -> tuple[RefreshToken, AuthSession] | None:
    row = (
        await session.execute(
            select(RefreshToken, AuthSession)
            .join(AuthSession, AuthSession.id == RefreshToken.session_id)
            .where(RefreshToken.token_hash == refresh_hash)
            .with_for_update(of=RefreshToken)
        )
    ).first()
    return None if row is None else (row[0], row[1])


async def mark_refresh_token_used(session: AsyncSession, refresh_hash: str, now: datetime) -> bool:
    """Claim the token once; False when a concurrent request claimed it first."""
    result = await session.execute(
        update(RefreshToken)
        .where(RefreshToken.token_hash == refresh_hash, RefreshToken.used_at.is_(None))
        .values(used_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def revoke_session(
    session: AsyncSession, session_id: str, reason: SessionEnd, now: datetime
) -> int:
    result = await session.execute(
        update(AuthSession)
        .where(AuthSession.id == session_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=now, revoke_reason=reason)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def revoke_all_sessions(
    session: AsyncSession, user_id: int, reason: SessionEnd, now: datetime
) -> int:
    result = await session.execute(
        update(AuthSession)
        .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=now, revoke_reason=reason)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def revoke_all_but_newest(
    session: AsyncSession, user_id: int, keep: int, reason: SessionEnd, now: datetime
) -> int:
    """Revoke the player's live sessions but the `keep` newest; how many were revoked.

    The caller holds the player's row lock, so logins at once take turns here and each
    sees the sessions the ones before it opened.
    """
    live = (
        await session.scalars(
            select(AuthSession.id)
            .where(
                AuthSession.user_id == user_id,
                AuthSession.revoked_at.is_(None),
                AuthSession.expires_at > now,
            )
            .order_by(AuthSession.created_at.desc(), AuthSession.id.desc())
            .offset(keep)
        )
    ).all()
    if not live:
        return 0
    result = await session.execute(
        update(AuthSession)
        .where(AuthSession.id.in_(live), AuthSession.revoked_at.is_(None))
        .values(revoked_at=now, revoke_reason=reason)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def end_of(
    connection: AsyncConnection, user_id: int, session_id: str, now: datetime
) -> SessionEnd | None:
    """Why a session no longer authenticates: its player's ban first (a ban revokes every
    session, and is what the player must be told), else its revocation's reason, else its
    expiry. None if it still would (or its player is gone)."""
    row = (
        await connection.execute(
            select(User.banned_at, AuthSession.revoke_reason, AuthSession.expires_at)
            .select_from(User)
            .outerjoin(
                AuthSession, and_(AuthSession.user_id == User.id, AuthSession.id == session_id)
            )
            .where(User.id == user_id)
        )
    ).first()
    if row is None:
        return None
    banned_at, revoke_reason, expires_at = row
    if banned_at is not None:
        return SessionEnd.BANNED
    if revoke_reason is not None:
        try:
            return SessionEnd(revoke_reason)
        except ValueError:  # a reason this version does not know (a newer one wrote it)
            return None
    if expires_at is None or expires_at <= now:
        return SessionEnd.EXPIRED
    return None
