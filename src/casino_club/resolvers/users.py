"""Reading profiles (SPEC §5.4): the caller's own, others' public view, and the private
data a profile shows field by field.

The private reads take the profile's owner, never the caller: the schema lets only the
owner or an operator select them (schema/permissions.IsOwnerOrAdmin), and each answers
for that owner whoever asks.
"""

from __future__ import annotations

from casino_club.context import Context, Viewer
from casino_club.domain.accounts import Rank, Role
from casino_club.domain.errors import BadUserInput, Unauthenticated
from casino_club.domain.gacha import InventoryItem, ItemKind, Rarity
from casino_club.domain.ids import NodeKind, parse_node_id
from casino_club.domain.ledger import LedgerEntry
from casino_club.domain.login_lockout import LoginOutcome
from casino_club.domain.profiles import LoginAttempt, Profile, PublicUser
from casino_club.persistence import gacha, login_attempts, users, wallet
from casino_club.persistence.database import read_connection
from casino_club.persistence.models import CatalogItem, InventoryEntry, User
from casino_club.persistence.models import LoginAttempt as LoginAttemptRow
from casino_club.persistence.users import Account
from casino_club.services import Services


def profile_of(user: User | Account, gold: int) -> Profile:
    return Profile(
        id=user.id,
        site_id=user.site_id,
        nickname=user.nickname,
        rank=Rank(user.rank),
        role=Role(user.role),
        gold=gold,
        gold_debt=user.gold_debt,
        created_at=user.created_at,
        last_login_at=user.last_login_at,
        last_checkin_day=user.last_checkin_day,
        streak_at_last_checkin=user.daily_streak,
    )


def public_view(user: User | Account) -> PublicUser:
    return PublicUser(
        id=user.id, nickname=user.nickname, rank=Rank(user.rank), joined_at=user.created_at
    )


async def me(context: Context, viewer: Viewer) -> Profile:
    """Read afresh: the viewer's account may come from the session cache."""
    async with read_connection(context.services.engine) as connection:
        found = await users.account_of(connection, viewer.id)
    if found is None:  # the account was removed after its token was checked
        raise Unauthenticated()
    return profile_of(*found)


async def public_user(context: Context, user_id: str) -> PublicUser | None:
    row_id = parse_node_id(user_id, NodeKind.PLAYER)
    if row_id is None:
        return None
    user = await context.loaders.users.load(row_id)
    if user is None or user.banned_at is not None:
        return None
    return public_view(user)


async def profile(context: Context, user_id: int) -> Profile:
    """A player's full profile, through the request's loader (one read for every player
    a response shows): private fields resolve from their owner's id."""
    held = await context.loaders.accounts.load(user_id)
    if held is None:  # removed since the response named them
        raise BadUserInput("No such player")
    return profile_of(held.account, held.gold)


async def fresh_profile(context: Context, user_id: int) -> Profile:
    """The profile as it is now, after a change this request made (a bet, a claim): read
    afresh, and what the rest of the response reads of the player is this read."""
    async with read_connection(context.services.engine) as connection:
        held = (await users.accounts_of(connection, [user_id])).get(user_id)
    if held is None:  # removed since the change
        raise BadUserInput("No such player")
    context.loaders.accounts.prime(user_id, held, force=True)
    return profile_of(held.account, held.gold)


# The pages below are keyset pages: up to `limit` rows after `after_id` (ask for one
# more than the page holds to learn whether another follows).


async def inventory(
    services: Services, user_id: int, *, after_id: int | None, limit: int
) -> list[InventoryItem]:
    async with services.sessionmaker() as session:
        rows = await gacha.inventory_page(session, user_id, after_id=after_id, limit=limit)
    return [held_item(held, item) for held, item in rows]


def held_item(held: InventoryEntry, item: CatalogItem) -> InventoryItem:
    return InventoryItem(
        id=held.id,
        item_id=item.id,
        name=item.name,
        kind=ItemKind(item.kind),
        rarity=Rarity(item.rarity) if item.rarity else None,
        quantity=held.quantity,
        acquired_at=held.acquired_at,
    )


async def ledger(
    services: Services, user_id: int, *, after_id: int | None, limit: int
) -> list[LedgerEntry]:
    async with services.sessionmaker() as session:
        return await wallet.ledger_page(session, user_id, after_id=after_id, limit=limit)


async def login_history(
    services: Services, user_id: int, *, after_id: int | None, limit: int
) -> list[LoginAttempt]:
    async with services.sessionmaker() as session:
        rows = await login_attempts.page_for_user(session, user_id, after_id=after_id, limit=limit)
    return [_attempt(row) for row in rows]


def _attempt(row: LoginAttemptRow) -> LoginAttempt:
    return LoginAttempt(
        id=row.id,
        at=row.created_at,
        success=row.success,
        outcome=LoginOutcome(row.outcome),
        ip=row.ip,
        user_agent=row.user_agent,
    )
