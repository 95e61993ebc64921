"""Operator types for account management (SPEC §5.1, §5.2, §11)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import orjson
import strawberry
from strawberry.scalars import JSON

from casino_club.persistence.models import AuditLog
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
