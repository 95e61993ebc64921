"""User rows: lookups by the keys the API uses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import bindparam, exists, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from casino_club.domain.accounts import Rank, Role, identity_key
from casino_club.domain.limits import LimitKind, break_in_force
from casino_club.persistence.models import AuthSession, PlayerLimit, User, Wallet, table


class IdentityTaken(Exception):
    def __init__(self, field: str) -> None:
        super().__init__(f"{field} taken")
        self.field = field


@dataclass(frozen=True, slots=True)
class NewUser:
    site_id: str
    nickname: str
    password_hash: str
    phone: str | None
    role: Role = Role.USER
    rank: Rank = Rank.STANDARD


async def taken_identities(session: AsyncSession, site_id: str, nickname: str) -> set[str]:
    """Which of siteId / nickname already belong to someone (case-insensitively)."""
    rows = await session.execute(
        select(User.site_id_key, User.nickname_key).where(
            or_(
                User.site_id_key == identity_key(site_id),
                User.nickname_key == identity_key(nickname),
            )
        )
    )
    taken: set[str] = set()
    for site_key, nick_key in rows.all():
        if site_key == identity_key(site_id):
            taken.add("siteId")
        if nick_key == identity_key(nickname):
            taken.add("nickname")
    return taken


async def create_user(session: AsyncSession, new: NewUser, now: datetime) -> User:
    """Insert a user; a race on a unique key surfaces as IdentityTaken, not a 500."""
    user = User(
        site_id=new.site_id,
        site_id_key=identity_key(new.site_id),
        nickname=new.nickname,
        nickname_key=identity_key(new.nickname),
        password_hash=new.password_hash,
        phone=new.phone,
        role=new.role.value,
        rank=new.rank.value,
        xp=0,
        daily_streak=0,
        lifetime_spend_cents=0,
        created_at=now,
    )
    try:
        async with session.begin_nested():
            session.add(user)
            await session.flush()
    except IntegrityError as exc:
        taken = await taken_identities(session, new.site_id, new.nickname)
        raise IdentityTaken("siteId" if "siteId" in taken or not taken else "nickname") from exc
    return user


async def by_id(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def by_ids(session: AsyncSession, ids: Sequence[int]) -> list[User]:
    return list((await session.scalars(select(User).where(User.id.in_(ids)))).all())


async def by_site_id(session: AsyncSession, site_id: str, *, lock: bool = False) -> User | None:
    """The user with this siteId; `lock` holds the row until the transaction ends.

    The lock is FOR NO KEY UPDATE: it queues logins of the account, not the player's
    bets (their foreign-key checks take FOR KEY SHARE on this row).
    """
    query = select(User).where(User.site_id_key == identity_key(site_id))
    return await session.scalar(query.with_for_update(key_share=True) if lock else query)


@dataclass(frozen=True, slots=True)
class Account:
    """The columns a request needs about its caller, read without ORM identity tracking."""

    id: int
    site_id: str
    nickname: str
    role: str
    rank: str
    daily_streak: int  # as of the last check-in: domain/checkin.streak_alive tells today's
    created_at: datetime
    last_login_at: datetime | None
    gold_debt: int = 0  # owed after a refund: no play until repaid
    excluded_until: datetime | None = None  # a cool-off or self-exclusion
    # A daily loss limit is set (in force or waiting to be removed): bets check it in
    # their transaction. Whatever sets one forgets the player's cached sessions.
    loss_limited: bool = False
    last_checkin_day: date | None = None

    def excluded_at(self, now: datetime) -> datetime | None:
        """When the player's break ends, if they are on one at `now`."""
        return break_in_force(self.excluded_until, now)


_users, _sessions, _wallets = table(User), table(AuthSession), table(Wallet)
_limits = table(PlayerLimit)
_ACCOUNT_FIELDS = [field.name for field in fields(Account)]
_ACCOUNT_COLUMNS = [
    *(_users.c[name] for name in _ACCOUNT_FIELDS if name != "loss_limited"),
    exists()
    .where(_limits.c.user_id == _users.c.id, _limits.c.kind == LimitKind.DAILY_LOSS.value)
    .label("loss_limited"),
]
# Every request whose token is not in the session cache: one Core statement, built once.
_AUTHENTICATE = (
    select(*_ACCOUNT_COLUMNS)
    .join(_sessions, _sessions.c.user_id == _users.c.id)
    .where(
        _users.c.id == bindparam("uid"),
        _sessions.c.id == bindparam("sid"),
        _sessions.c.revoked_at.is_(None),
        _sessions.c.expires_at > bindparam("now"),
        _users.c.banned_at.is_(None),
    )
)
_PROFILE = (
    select(*_ACCOUNT_COLUMNS, _wallets.c.gold)
    .outerjoin(_wallets, _wallets.c.user_id == _users.c.id)
    .where(_users.c.id == bindparam("uid"))
)


def _account(row: Any) -> Account:
    values = row._mapping
    account = {name: values[name] for name in _ACCOUNT_FIELDS}
    account["loss_limited"] = bool(account["loss_limited"])  # SQLite answers 0 or 1
    return Account(**account)


async def authenticate_session(
    connection: AsyncConnection, user_id: int, session_id: str, now: datetime
) -> Account | None:
    """The caller, if the access token's session is live and they are not banned. Its
    answer may be cached (persistence/session_cache): whatever ends a session or bans a
    player must then call `Services.forget_sessions_of`."""
    row = (
        await connection.execute(_AUTHENTICATE, {"uid": user_id, "sid": session_id, "now": now})
    ).first()
    return None if row is None else _account(row)


async def account_of(connection: AsyncConnection, user_id: int) -> tuple[Account, int] | None:
    """A player's account and gold as they are now (never from a cache)."""
    row = (await connection.execute(_PROFILE, {"uid": user_id})).first()
    return None if row is None else (_account(row), int(row.gold or 0))


_PROFILES = (
    select(*_ACCOUNT_COLUMNS, _users.c.banned_at, _wallets.c.gold)
    .outerjoin(_wallets, _wallets.c.user_id == _users.c.id)
    .where(_users.c.id.in_(bindparam("uids", expanding=True)))
)


class HeldAccount(NamedTuple):
    """A player's account, their gold now, and whether they are banned."""

    account: Account
    gold: int
    banned: bool


async def accounts_of(connection: AsyncConnection, ids: Sequence[int]) -> dict[int, HeldAccount]:
    """Players' accounts and gold as they are now, by id (those that exist)."""
    rows = (await connection.execute(_PROFILES, {"uids": list(ids)})).all()
    return {
        row.id: HeldAccount(_account(row), int(row.gold or 0), row.banned_at is not None)
        for row in rows
    }


async def set_last_login(session: AsyncSession, user_id: int, now: datetime) -> None:
    await session.execute(update(User).where(User.id == user_id).values(last_login_at=now))


class Spent(NamedTuple):
    lifetime_cents: int
    rank: Rank
    debt: int


async def add_spend(session: AsyncSession, user_id: int, usd_cents: int) -> Spent:
    """Add to the player's lifetime spend (a row lock: purchases settle one at a time);
    the new total, and the rank and debt as they stand."""
    row = (
        await session.execute(
            update(User)
            .where(User.id == user_id)
            .values(lifetime_spend_cents=User.lifetime_spend_cents + usd_cents)
            .returning(User.lifetime_spend_cents, User.rank, User.gold_debt)
        )
    ).one()
    return Spent(int(row[0]), Rank(row[1]), int(row[2]))


async def change_debt(session: AsyncSession, user_id: int, delta: int) -> int:
    """Add to (or repay, with a negative delta) the player's debt; the debt after."""
    debt = await session.scalar(
        update(User)
        .where(User.id == user_id)
        .values(gold_debt=User.gold_debt + delta)
        .returning(User.gold_debt)
    )
    return int(debt or 0)


async def set_rank(session: AsyncSession, user_id: int, rank: Rank) -> None:
    await session.execute(update(User).where(User.id == user_id).values(rank=rank.value))


async def lock(session: AsyncSession, user_id: int) -> None:
    """Hold the player's row until the transaction ends: their purchases that check a
    per-player allowance then run one at a time (SQLite's single writer already does).

    FOR NO KEY UPDATE (`key_share=True`), not FOR UPDATE: rows that reference the player
    (a ledger row, a purchase) take KEY SHARE locks on it, which FOR UPDATE would wait
    for — a settling purchase holding one and waiting for this lock would deadlock."""
    await session.execute(select(User.id).where(User.id == user_id).with_for_update(key_share=True))


async def exclude(session: AsyncSession, user_id: int, until: datetime | None) -> None:
    await session.execute(update(User).where(User.id == user_id).values(excluded_until=until))


async def exclusion_of(session: AsyncSession, user_id: int) -> datetime | None:
    """The player's break end as stored, with their row held."""
    return await session.scalar(
        select(User.excluded_until).where(User.id == user_id).with_for_update(key_share=True)
    )


async def add_xp(session: AsyncSession, user_id: int, amount: int) -> None:
    """Add experience from outside play (check-ins, rewards) in the caller's transaction;
    player_stats.total_xp tells the whole."""
    await session.execute(update(User).where(User.id == user_id).values(xp=User.xp + amount))
