"""Reading profiles (SPEC §5.4): the caller's own, others' public view, and the private
data a profile shows field by field.

The private reads take the profile's owner, never the caller: the schema lets only the
owner or an operator select them (schema/permissions.IsOwnerOrAdmin), and each answers
for that owner whoever asks.
"""

from __future__ import annotations

from datetime import datetime

import orjson

from casino_club.context import Context, Viewer
from casino_club.domain.accounts import Rank, Role
from casino_club.domain.errors import Unauthenticated
from casino_club.domain.games import Game
from casino_club.domain.history import GameRound
from casino_club.domain.ids import parse_id
from casino_club.domain.ledger import LedgerEntry
from casino_club.domain.login_lockout import LoginOutcome
from casino_club.domain.profiles import LoginAttempt, Profile, PublicUser
from casino_club.persistence import fairness, gacha, game_rounds, login_attempts, users, wallet
from casino_club.persistence.database import read_connection
from casino_club.persistence.models import CatalogItem, FairnessSeed, InventoryEntry, User
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


def public_view(user: User) -> PublicUser:
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
    row_id = parse_id(user_id)
    if row_id is None:
        return None
    user = await context.loaders.users.load(row_id)
    if user is None or user.banned_at is not None:
        return None
    return public_view(user)


# The pages below read `first + 1` rows: the one past the page tells that another follows.


async def active_seed(services: Services, user_id: int) -> FairnessSeed:
    async with services.sessionmaker() as session:
        return await fairness.active_seed(session, user_id)


async def inventory(
    services: Services, user_id: int, *, after_id: int | None, first: int
) -> list[tuple[InventoryEntry, CatalogItem]]:
    async with services.sessionmaker() as session:
        return await gacha.inventory_page(session, user_id, after_id=after_id, limit=first + 1)


async def ledger(
    services: Services, user_id: int, *, after_id: int | None, first: int
) -> list[LedgerEntry]:
    async with services.sessionmaker() as session:
        return await wallet.ledger_page(session, user_id, after_id=after_id, limit=first + 1)


async def history(
    services: Services,
    user_id: int,
    *,
    game: Game | None,
    since: datetime | None,
    after_id: int | None,
    first: int,
) -> list[GameRound]:
    async with services.sessionmaker() as session:
        rows = await game_rounds.page(
            session,
            user_id,
            game=None if game is None else game.value,
            since=since,
            after_id=after_id,
            limit=first + 1,
        )
    return [
        GameRound(
            id=row.id,
            game=Game(row.game),
            stake=row.stake,
            payout=row.payout,
            outcome=orjson.loads(row.outcome),
            fairness=fairness.proof_of(row),
            at=row.created_at,
        )
        for row in rows
    ]


async def login_history(
    services: Services, user_id: int, *, after_id: int | None, first: int
) -> list[LoginAttempt]:
    async with services.sessionmaker() as session:
        rows = await login_attempts.page_for_user(
            session, user_id, after_id=after_id, limit=first + 1
        )
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
