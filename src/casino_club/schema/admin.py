"""Operator types for account management (SPEC §5.1, §5.2, §11)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry import relay
from strawberry.scalars import JSON
from strawberry.types import Info

from casino_club.context import Context
from casino_club.domain import admin
from casino_club.domain.admin import UserOrder
from casino_club.domain.ids import NodeKind
from casino_club.domain.pagination import check_first
from casino_club.resolvers import admin_users as admin_user_cases
from casino_club.schema.enums import RankEnum, RoleEnum
from casino_club.schema.errors import UserNotFound, ValidationFailed
from casino_club.schema.identity import reference
from casino_club.schema.outcomes import presents
from casino_club.schema.users import Player


@strawberry.input
class SetUserRankInput:
    user_id: strawberry.ID = strawberry.field(description="The player's global id.")
    rank: RankEnum  # type: ignore[valid-type]


@strawberry.input
class SetUserBannedInput:
    user_id: strawberry.ID = strawberry.field(description="The player's global id.")
    banned: bool
    reason: str | None = None


@presents(admin.UserUpdated)
@strawberry.type
class UserUpdated:
    user: Player


AdminUserResult = Annotated[
    UserUpdated | UserNotFound | ValidationFailed, strawberry.union("AdminUserResult")
]


@strawberry.input(description="Narrow the audit log; every field is optional.")
class AuditLogFilter:
    actor_id: strawberry.ID | None = strawberry.field(
        default=None, description="The operator's global id (a Player)."
    )
    action: str | None = None
    target: str | None = strawberry.field(
        default=None, description="e.g. user:42, product:starter, purchase:7"
    )
    since: datetime | None = None


@presents(admin.AuditEntry)
@strawberry.type(description="One operator change: who, what, on what, before and after.")
class AuditEntry(relay.Node):
    id: relay.NodeID[int]
    actor_id: strawberry.ID | None = reference(
        NodeKind.PLAYER,
        "actor_id",
        description="The operator's global id (a Player); null for the system.",
    )
    action: str
    target: str | None
    before: JSON | None
    after: JSON | None
    request_id: str | None
    at: datetime


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


@presents(admin.AdminSession, described=True)
@strawberry.type
class AdminSession(relay.Node):
    id: relay.NodeID[str]
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    revoke_reason: str | None
    live: bool = strawberry.field(description="Neither revoked nor expired.")
    ip: str | None
    user_agent: str | None


@presents(admin.AdminUser)
@strawberry.type(
    description="A player as operators see them: the full profile (its ledger, history, "
    "login attempts, limits and purchases answer operators too) and the account's state."
)
class AdminUser:
    profile: Player
    banned_at: datetime | None
    ban_reason: str | None
    excluded_until: datetime | None = strawberry.field(
        description="The end of a cool-off or self-exclusion in force; null when none."
    )
    lifetime_spend_cents: int = strawberry.field(description="USD cents, for ranks and limits.")

    @strawberry.field(
        description="The latest logins, newest first, live or ended (1-100).",
        graphql_type=list[AdminSession],
    )
    async def sessions(
        self, info: Info[Context, Any], root: strawberry.Parent[admin.AdminUser], first: int = 20
    ) -> list[admin.AdminSession]:
        return await admin_user_cases.sessions_of(
            info.context.services, root.profile.id, check_first(first)
        )
