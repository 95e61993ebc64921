"""Operators finding players and looking at one (SPEC §11): the users list and a
player's detail. Read-only, so nothing here is audited; every change an operator makes
to a player lives in admin.py, gold_admin.py or limits.py and is."""

from __future__ import annotations

from casino_club.domain.accounts import Rank, Role
from casino_club.domain.ids import parse_id
from casino_club.domain.pagination import decode_keyset
from casino_club.persistence import user_listing, users
from casino_club.persistence.user_listing import Listed, UserFilter, UserOrder
from casino_club.persistence.wallet import balance_of
from casino_club.schema.admin import AdminUser, AdminUserFilter
from casino_club.schema.pagination import Connection, keyset_connection
from casino_club.services import Services


async def users_page(
    services: Services,
    where: AdminUserFilter | None,
    order: UserOrder,
    *,
    first: int,
    after: str | None,
) -> Connection[AdminUser]:
    where = where or AdminUserFilter()
    wanted = UserFilter(
        search=where.search,
        rank=None if where.rank is None else Rank(where.rank).value,
        role=None if where.role is None else Role(where.role).value,
        banned=where.banned,
    )
    after_key = decode_keyset(after, parts=user_listing.key_parts(order))
    async with services.sessionmaker() as session:
        rows = await user_listing.page(session, wanted, order, after=after_key, limit=first + 1)
    now = services.clock.now()
    return keyset_connection(
        rows,
        first,
        after,
        lambda listed: AdminUser.of(listed, now),
        key=lambda listed: user_listing.key_of(order, listed),
    )


async def user_detail(services: Services, raw_id: str) -> AdminUser | None:
    user_id = parse_id(raw_id)
    if user_id is None:
        return None
    async with services.sessionmaker() as session:
        user = await users.by_id(session, user_id)
        if user is None:
            return None
        gold = await balance_of(session, user_id)
    return AdminUser.of(Listed(user, gold), services.clock.now())
