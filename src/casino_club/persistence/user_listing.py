"""Players as operators look for them (SPEC §11): filtered by a siteId or nickname
prefix, rank, role or ban, in one of a few orders, a keyset page at a time.

Each order pages by its sort value with the id as tie-break, so a page costs the same
however deep it is and a player whose gold changes between pages is seen at most once
per position, never as a duplicate row from an offset shifting under it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.domain.accounts import identity_key
from casino_club.domain.admin import UserOrder
from casino_club.persistence.models import AuthSession, User, Wallet

MAX_SEARCH = 64  # longer than any siteId or nickname key: it can match nothing


# The sort value before the id (None: the id alone), and whether the order descends.
_SORTS: dict[UserOrder, tuple[Any, bool]] = {
    UserOrder.NEWEST: (None, True),
    UserOrder.OLDEST: (None, False),
    UserOrder.RICHEST: (Wallet.gold, True),
    UserOrder.TOP_SPENDERS: (User.lifetime_spend_cents, True),
}


@dataclass(frozen=True, slots=True)
class UserFilter:
    search: str | None = None  # a prefix of the siteId or the nickname, as identities compare
    rank: str | None = None
    role: str | None = None
    banned: bool | None = None


@dataclass(frozen=True, slots=True)
class UserWithGold:
    user: User
    gold: int


def key_parts(order: UserOrder) -> int:
    """How many numbers a cursor of this order holds."""
    return 1 if _SORTS[order][0] is None else 2


def key_of(order: UserOrder, listed: UserWithGold) -> int | tuple[int, int]:
    column = _SORTS[order][0]
    if column is None:
        return listed.user.id
    value = listed.gold if column is Wallet.gold else listed.user.lifetime_spend_cents
    return (value, listed.user.id)


def _like_prefix(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{escaped}%"


def _filtered(query: Select[User, int], where: UserFilter) -> Select[User, int]:
    if where.search is not None:
        pattern = _like_prefix(identity_key(where.search))
        query = query.where(
            or_(
                User.site_id_key.like(pattern, escape="\\"),
                User.nickname_key.like(pattern, escape="\\"),
            )
        )
    if where.rank is not None:
        query = query.where(User.rank == where.rank)
    if where.role is not None:
        query = query.where(User.role == where.role)
    if where.banned is not None:
        banned = User.banned_at.is_not(None)
        query = query.where(banned if where.banned else ~banned)
    return query


async def page(
    session: AsyncSession,
    where: UserFilter,
    order: UserOrder,
    *,
    after: tuple[int, ...] | None,
    limit: int,
) -> list[UserWithGold]:
    """One page in `order`, after the row whose key is `after`."""
    if where.search is not None and len(where.search) > MAX_SEARCH:
        return []
    column, descending = _SORTS[order]
    query = _filtered(select(User, Wallet.gold).join(Wallet, Wallet.user_id == User.id), where)
    if after is not None:
        key: Any = User.id if column is None else tuple_(column, User.id)
        bound: Any = after[0] if column is None else tuple_(*after)
        query = query.where(key < bound if descending else key > bound)
    keys = [User.id] if column is None else [column, User.id]
    query = query.order_by(*(k.desc() if descending else k.asc() for k in keys))
    rows = await session.execute(query.limit(limit))
    return [UserWithGold(user, int(gold)) for user, gold in rows]


async def recent_sessions(session: AsyncSession, user_id: int, limit: int) -> list[AuthSession]:
    """A player's latest logins, newest first, live or ended."""
    query = (
        select(AuthSession)
        .where(AuthSession.user_id == user_id)
        .order_by(AuthSession.created_at.desc(), AuthSession.id.desc())
        .limit(limit)
    )
    return list((await session.scalars(query)).all())


async def sessions_by_ids(session: AsyncSession, ids: Sequence[str]) -> list[AuthSession]:
    """Logins by their ids, whosever they are (operators' view)."""
    return list((await session.scalars(select(AuthSession).where(AuthSession.id.in_(ids)))).all())
