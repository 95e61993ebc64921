"""Operators finding players and looking at one (SPEC §11): the users list and a
player's detail. Read-only, so nothing here is audited; every change an operator makes
to a player lives in admin.py, gold_admin.py or limits.py and is."""

from __future__ import annotations

from datetime import datetime

from casino_club.domain.accounts import Rank, Role
from casino_club.domain.admin import AdminSession, AdminUser, UserOrder
from casino_club.domain.ids import NodeKind, parse_node_id
from casino_club.domain.limits import break_in_force
from casino_club.domain.pagination import Key, decode_keyset
from casino_club.persistence import user_listing, users
from casino_club.persistence.models import AuthSession
from casino_club.persistence.user_listing import UserFilter, UserWithGold
from casino_club.persistence.wallet import balance_of
from casino_club.resolvers.users import profile_of
from casino_club.services import Services


def as_admin_user(listed: UserWithGold, now: datetime) -> AdminUser:
    user = listed.user
    return AdminUser(
        profile=profile_of(user, listed.gold),
        banned_at=user.banned_at,
        ban_reason=user.ban_reason,
        excluded_until=break_in_force(user.excluded_until, now),
        lifetime_spend_cents=user.lifetime_spend_cents,
    )


async def users_page(
    services: Services,
    *,
    search: str | None,
    rank: Rank | None,
    role: Role | None,
    banned: bool | None,
    order: UserOrder,
    after: str | None,
    limit: int,
) -> list[tuple[Key, AdminUser]]:
    """Players in `order`, each with its key in that order: up to `limit` after the cursor
    `after` (a keyset page: ask for one more than the page to learn whether another
    follows)."""
    wanted = UserFilter(
        search=search,
        rank=None if rank is None else rank.value,
        role=None if role is None else role.value,
        banned=banned,
    )
    after_key = decode_keyset(after, parts=user_listing.key_parts(order))
    async with services.sessionmaker() as session:
        rows = await user_listing.page(session, wanted, order, after=after_key, limit=limit)
    now = services.clock.now()
    return [(user_listing.key_of(order, listed), as_admin_user(listed, now)) for listed in rows]


async def user_detail(services: Services, raw_id: str) -> AdminUser | None:
    user_id = parse_node_id(raw_id, NodeKind.PLAYER)
    if user_id is None:
        return None
    async with services.sessionmaker() as session:
        user = await users.by_id(session, user_id)
        if user is None:
            return None
        gold = await balance_of(session, user_id)
    return as_admin_user(UserWithGold(user, gold), services.clock.now())


async def sessions_of(services: Services, user_id: int, first: int) -> list[AdminSession]:
    """A player's latest logins, newest first, live or ended."""
    async with services.sessionmaker() as session:
        rows = await user_listing.recent_sessions(session, user_id, first)
    now = services.clock.now()
    return [_session(row, now) for row in rows]


async def sessions_by_ids(services: Services, ids: list[str]) -> list[AdminSession]:
    """Logins by id, whosever they are (operators' view)."""
    async with services.sessionmaker() as session:
        rows = await user_listing.sessions_by_ids(session, ids)
    now = services.clock.now()
    return [_session(row, now) for row in rows]


def _session(row: AuthSession, now: datetime) -> AdminSession:
    return AdminSession(
        id=row.id,
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        revoke_reason=row.revoke_reason,
        live=row.revoked_at is None and row.expires_at > now,
        ip=row.ip,
        user_agent=row.user_agent,
    )
