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
from casino_club.domain.segments import PlayerSegments as PlayerSegmentsValue
from casino_club.resolvers import admin_users as admin_user_cases
from casino_club.resolvers import segments as segment_cases
from casino_club.schema.enums import RankEnum, RoleEnum, graphql_enum
from casino_club.schema.errors import UserNotFound, ValidationFailed
from casino_club.schema.identity import reference
from casino_club.schema.outcomes import presents
from casino_club.schema.segments import PlayerSegments
from casino_club.schema.users import Player


@strawberry.input(
    description="Set a player's rank (admin); automatic upgrades never lower it again."
)
class SetUserRankInput:
    user_id: strawberry.ID = strawberry.field(description="The player's global id.")
    rank: RankEnum = strawberry.field(description="The new rank.")  # type: ignore[valid-type]


@strawberry.input(description="Ban or unban a player (admin); a ban ends every session at once.")
class SetUserBannedInput:
    user_id: strawberry.ID = strawberry.field(description="The player's global id.")
    banned: bool = strawberry.field(description="True bans, false lifts the ban.")
    reason: str | None = strawberry.field(
        default=None,
        description="Why, shown to operators and kept in the audit log; null when unbanning.",
    )


@presents(admin.UserUpdated)
@strawberry.type(description="The player after the change.")
class UserUpdated:
    user: Player = strawberry.field(description="The player, updated.")


AdminUserResult = Annotated[
    UserUpdated | UserNotFound | ValidationFailed,
    strawberry.union(
        "AdminUserResult",
        description="setUserRank's and setUserBanned's answer: the player updated, or why not.",
    ),
]


@strawberry.input(description="Narrow the audit log; every field is optional.")
class AuditLogFilter:
    actor_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only changes by this operator (a Player's global id)."
    )
    action: str | None = strawberry.field(
        default=None,
        description="Only this action, e.g. USER_SET_RANK, USER_SET_BANNED, INVITE_CODE_CREATE.",
    )
    target: str | None = strawberry.field(
        default=None, description="e.g. user:42, product:starter, purchase:7"
    )
    since: datetime | None = strawberry.field(
        default=None, description="Only changes at or after this instant."
    )


@presents(admin.AuditEntry)
@strawberry.type(description="One operator change: who, what, on what, before and after.")
class AuditEntry(relay.Node):
    id: relay.NodeID[int]
    actor_id: strawberry.ID | None = reference(
        NodeKind.PLAYER,
        "actor_id",
        description="The operator who made it (a Player's global id); null for the system "
        "(jobs, webhooks).",
    )
    action: str = strawberry.field(
        description="What was done, in UPPER_SNAKE_CASE, e.g. USER_SET_RANK."
    )
    target: str | None = strawberry.field(
        description="What it was done to, e.g. user:42, product:starter; null when nothing in "
        "particular."
    )
    before: JSON | None = strawberry.field(
        description="The target's state before, as stored; null when it did not exist."
    )
    after: JSON | None = strawberry.field(
        description="The target's state after, as stored; null when it was removed."
    )
    request_id: str | None = strawberry.field(
        description="The X-Request-ID of the request that made it; null for jobs."
    )
    at: datetime = strawberry.field(description="When it was made.")


UserOrderEnum = graphql_enum(
    UserOrder,
    "UserOrder",
    "The order of the operators' player list.",
    {
        UserOrder.NEWEST: "Joined most recently first.",
        UserOrder.OLDEST: "Joined earliest first.",
        UserOrder.RICHEST: "Most gold first.",
        UserOrder.TOP_SPENDERS: "Highest lifetime spend (USD cents) first.",
    },
)


@strawberry.input(description="Narrow the player list; every field is optional.")
class AdminUserFilter:
    search: str | None = strawberry.field(
        default=None,
        description="A prefix of the siteId or the nickname, compared as sign-up compares "
        "identities (case and width folded).",
    )
    rank: RankEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Only players of this rank."
    )
    role: RoleEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Only accounts of this role."
    )
    banned: bool | None = strawberry.field(
        default=None, description="True: only banned players; false: only players not banned."
    )


@presents(admin.AdminSession, described=True)
@strawberry.type
class AdminSession(relay.Node):
    id: relay.NodeID[str]
    created_at: datetime = strawberry.field(description="When the login happened.")
    expires_at: datetime = strawberry.field(description="When its refresh token expires.")
    revoked_at: datetime | None = strawberry.field(
        description="When it was ended; null while not revoked."
    )
    revoke_reason: str | None = strawberry.field(
        description="Why it was ended (e.g. LOGOUT, BANNED, REUSED); null while not revoked."
    )
    live: bool = strawberry.field(description="Neither revoked nor expired.")
    ip: str | None = strawberry.field(
        description="The address it logged in from; null when unknown."
    )
    user_agent: str | None = strawberry.field(
        description="The client's User-Agent at login; null when none."
    )


@presents(admin.AdminUser)
@strawberry.type(
    description="A player as operators see them: the full profile (its ledger, history, "
    "login attempts, limits and purchases answer operators too) and the account's state."
)
class AdminUser:
    profile: Player = strawberry.field(description="The player, with every private field.")
    banned_at: datetime | None = strawberry.field(
        description="When the player was banned; null when not banned."
    )
    ban_reason: str | None = strawberry.field(
        description="The ban's reason; null when not banned or none given."
    )
    excluded_until: datetime | None = strawberry.field(
        description="The end of a cool-off or self-exclusion in force; null when none."
    )
    lifetime_spend_cents: int = strawberry.field(description="USD cents, for ranks and limits.")

    @strawberry.field(
        description="The latest logins, newest first, live or ended (1-100).",
        graphql_type=list[AdminSession],
    )
    async def sessions(
        self,
        info: Info[Context, Any],
        root: strawberry.Parent[admin.AdminUser],
        first: Annotated[int, strawberry.argument(description="How many: 1–100.")] = 20,
    ) -> list[admin.AdminSession]:
        return await admin_user_cases.sessions_of(
            info.context.services, root.profile.id, check_first(first)
        )

    @strawberry.field(
        description="The player's segments (lifecycle and RFM, any override); null until "
        "the first run after they joined.",
        graphql_type=PlayerSegments | None,
    )
    async def segments(
        self, info: Info[Context, Any], root: strawberry.Parent[admin.AdminUser]
    ) -> PlayerSegmentsValue | None:
        return await segment_cases.of_player(info.context, root.profile.id)
