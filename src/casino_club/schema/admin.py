"""Operator types for account management (SPEC §5.1, §5.2, §11)."""

from __future__ import annotations

from typing import Annotated

import strawberry

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
