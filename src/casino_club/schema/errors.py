"""Expected business outcomes, returned as members of result unions (SPEC §12).

Every type implements `UserError`, so a client can handle any unknown error generically
by its `code` and `message`, and specific ones by their `__typename`.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from casino_club.domain import refusals
from casino_club.domain.accounts import FieldProblem
from casino_club.domain.errors import ErrorCode as ErrorCodeValue
from casino_club.domain.invites import InviteProblem
from casino_club.schema.outcomes import presents

ErrorCode = strawberry.enum(
    ErrorCodeValue,
    name="ErrorCode",
    description="Every code the API answers with: a `UserError`'s `code`, or a GraphQL "
    "error's `extensions.code`.",
)


@strawberry.interface(description="An expected problem the client should show or handle.")
class UserError:
    code: ErrorCode  # type: ignore[valid-type]
    message: str


@presents(FieldProblem)
@strawberry.type(description="One invalid input field.")
class FieldError:
    field: str
    code: str
    message: str


@presents(refusals.ValidationFailed)
@strawberry.type(description="The input broke one or more rules; nothing was changed.")
class ValidationFailed(UserError):
    fields: list[FieldError]


@strawberry.type
class SiteIdTaken(UserError):
    @classmethod
    def new(cls) -> SiteIdTaken:
        return cls(code="SITE_ID_TAKEN", message="This siteId is already registered")


@strawberry.type
class NicknameTaken(UserError):
    @classmethod
    def new(cls) -> NicknameTaken:
        return cls(code="NICKNAME_TAKEN", message="This nickname is already taken")


InviteCodeProblem = strawberry.enum(InviteProblem, name="InviteCodeProblem")


@strawberry.type
class InviteCodeInvalid(UserError):
    reason: InviteCodeProblem  # type: ignore[valid-type]

    @classmethod
    def new(cls, reason: InviteProblem) -> InviteCodeInvalid:
        messages = {
            InviteProblem.NOT_FOUND: "This invite code does not exist",
            InviteProblem.EXPIRED: "This invite code has expired",
            InviteProblem.EXHAUSTED: "This invite code has no uses left",
        }
        return cls(code="INVITE_CODE_INVALID", message=messages[reason], reason=reason)


@strawberry.type
class InvalidCredentials(UserError):
    @classmethod
    def new(cls) -> InvalidCredentials:
        return cls(code="INVALID_CREDENTIALS", message="Wrong siteId or password")


@strawberry.type
class LoginLocked(UserError):
    retry_after_seconds: int
    locked_until: datetime

    @classmethod
    def new(cls, retry_after_seconds: int, locked_until: datetime) -> LoginLocked:
        return cls(
            code="LOGIN_LOCKED",
            message=f"Too many failed attempts; try again in {retry_after_seconds} s",
            retry_after_seconds=retry_after_seconds,
            locked_until=locked_until,
        )


@strawberry.type
class AccountBanned(UserError):
    @classmethod
    def new(cls) -> AccountBanned:
        return cls(code="ACCOUNT_BANNED", message="This account is banned")


@strawberry.enum
class RefreshTokenProblem(Enum):
    UNKNOWN = "UNKNOWN"
    EXPIRED = "EXPIRED"
    REVOKED = "REVOKED"
    REUSED = "REUSED"


@strawberry.type
class InvalidRefreshToken(UserError):
    reason: RefreshTokenProblem

    @classmethod
    def new(cls, reason: RefreshTokenProblem) -> InvalidRefreshToken:
        messages = {
            RefreshTokenProblem.UNKNOWN: "Unknown refresh token; log in again",
            RefreshTokenProblem.EXPIRED: "The refresh token has expired; log in again",
            RefreshTokenProblem.REVOKED: "The session has ended; log in again",
            RefreshTokenProblem.REUSED: (
                "This refresh token was already used; every session was ended for safety"
            ),
        }
        return cls(code="INVALID_REFRESH_TOKEN", message=messages[reason], reason=reason)


@presents(refusals.UserNotFound)
@strawberry.type
class UserNotFound(UserError):
    @classmethod
    def new(cls) -> UserNotFound:
        return cls(code="USER_NOT_FOUND", message="No such user")


@strawberry.type
class InviteCodeTaken(UserError):
    @classmethod
    def new(cls) -> InviteCodeTaken:
        return cls(code="INVITE_CODE_TAKEN", message="An invite code with this text exists")


@strawberry.type
class InviteCodeNotFound(UserError):
    @classmethod
    def new(cls) -> InviteCodeNotFound:
        return cls(code="INVITE_CODE_NOT_FOUND", message="No such invite code")
