"""Operator types for account management (SPEC §5.1, §5.2, §11)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import orjson
import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from casino_club.context import Context
from casino_club.domain.limits import break_in_force
from casino_club.domain.pagination import check_first
from casino_club.persistence import user_listing
from casino_club.persistence.models import AuditLog, AuthSession
from casino_club.persistence.user_listing import Listed, UserOrder
from casino_club.schema.enums import RoleEnum
from casino_club.schema.errors import UserNotFound, ValidationFailed
from casino_club.schema.users import Profile, RankEnum


@strawberry.input
class SetUserRankInput:
    user_id: strawberry.ID
    rank: RankEnum  # type: ignore[valid-type]


@strawberry.input
class SetUserBannedInput:
    user_id: strawberry.ID
    banned: bool
    reason: str | None = None


@strawberry.type
class UserUpdated:
    user: Profile


AdminUserResult = Annotated[
    UserUpdated | UserNotFound | ValidationFailed, strawberry.union("AdminUserResult")
]


@strawberry.input(description="Narrow the audit log; every field is optional.")
class AuditLogFilter:
    actor_id: strawberry.ID | None = None
    action: str | None = None
    target: str | None = strawberry.field(
        default=None, description="e.g. user:42, product:starter, purchase:7"
    )
    since: datetime | None = None


@strawberry.type(description="One operator change: who, what, on what, before and after.")
class AuditEntry:
    id: strawberry.ID
    actor_id: strawberry.ID | None
    action: str
    target: str | None
    before: JSON | None
    after: JSON | None
    request_id: str | None
    at: datetime

    @classmethod
    def of(cls, row: AuditLog) -> AuditEntry:
        return cls(
            id=strawberry.ID(str(row.id)),
            actor_id=None if row.actor_id is None else strawberry.ID(str(row.actor_id)),
            action=row.action,
            target=row.target,
            before=None if row.before is None else orjson.loads(row.before),
            after=None if row.after is None else orjson.loads(row.after),
            request_id=row.request_id,
            at=row.created_at,
        )


UserOrderEnum = strawberry.enum(UserOrder, name="UserOrder")


@strawberry.input(description="Narrow the player list; every field is optional.")
class AdminUserFilter:
    search: str | None = strawberry.field(
        default=None,
        description="A prefix of the siteId or the nickname, compared as sign-up compares "
        "identities (case and width folded).",
    )
    rank: RankEnum | None = None  # type: ignore[valid-type]
    role: RoleEnum | None = None  # type: ignore[valid-type]
    banned: bool | None = None


@strawberry.type(description="One login (session) on a player's account.")
class AdminSession:
    id: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    revoke_reason: str | None
    live: bool = strawberry.field(description="Neither revoked nor expired.")
    ip: str | None
    user_agent: str | None

    @classmethod
    def of(cls, row: AuthSession, now: datetime) -> AdminSession:
        return cls(
            id=row.id,
            created_at=row.created_at,
            expires_at=row.expires_at,
            revoked_at=row.revoked_at,
            revoke_reason=row.revoke_reason,
            live=row.revoked_at is None and row.expires_at > now,
            ip=row.ip,
            user_agent=row.user_agent,
        )


@strawberry.type(
    description="A player as operators see them: the full profile (its ledger, history, "
    "login attempts, limits and purchases answer operators too) and the account's state."
)
class AdminUser:
    profile: Profile
    banned_at: datetime | None
    ban_reason: str | None
    excluded_until: datetime | None = strawberry.field(
        description="The end of a cool-off or self-exclusion in force; null when none."
    )
    lifetime_spend_cents: int = strawberry.field(description="USD cents, for ranks and limits.")
    user_id: strawberry.Private[int]

    @classmethod
    def of(cls, listed: Listed, now: datetime) -> AdminUser:
        user = listed.user
        return cls(
            profile=Profile.of(user, listed.gold),
            banned_at=user.banned_at,
            ban_reason=user.ban_reason,
            excluded_until=break_in_force(user.excluded_until, now),
            lifetime_spend_cents=user.lifetime_spend_cents,
            user_id=user.id,
        )

    @strawberry.field(description="The latest logins, newest first, live or ended (1-100).")
    async def sessions(self, info: Info[Context, Any], first: int = 20) -> list[AdminSession]:
        services = info.context.services
        async with services.sessionmaker() as session:
            rows = await user_listing.recent_sessions(session, self.user_id, check_first(first))
        now = services.clock.now()
        return [AdminSession.of(row, now) for row in rows]
