"""Expected business outcomes, returned as members of result unions (SPEC §12).

Every type implements `UserError`, so a client can handle any unknown error generically
by its `code` and `message`, and specific ones by their `__typename`.
"""

from __future__ import annotations

from datetime import datetime

import strawberry

from casino_club.domain import auth, invites, refusals
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


@presents(refusals.ValidationFailed, described=True)
@strawberry.type
class ValidationFailed(UserError):
    fields: list[FieldError]


@presents(auth.SiteIdTaken)
@strawberry.type
class SiteIdTaken(UserError):
    pass


@presents(auth.NicknameTaken)
@strawberry.type
class NicknameTaken(UserError):
    pass


InviteCodeProblem = strawberry.enum(InviteProblem, name="InviteCodeProblem")


@presents(invites.InviteCodeInvalid)
@strawberry.type
class InviteCodeInvalid(UserError):
    reason: InviteCodeProblem  # type: ignore[valid-type]


@presents(auth.InvalidCredentials)
@strawberry.type
class InvalidCredentials(UserError):
    pass


@presents(auth.LoginLocked)
@strawberry.type
class LoginLocked(UserError):
    retry_after_seconds: int
    locked_until: datetime


@presents(auth.AccountBanned)
@strawberry.type
class AccountBanned(UserError):
    pass


RefreshTokenProblem = strawberry.enum(auth.RefreshTokenProblem, name="RefreshTokenProblem")


@presents(auth.InvalidRefreshToken)
@strawberry.type
class InvalidRefreshToken(UserError):
    reason: RefreshTokenProblem  # type: ignore[valid-type]


@presents(refusals.UserNotFound)
@strawberry.type
class UserNotFound(UserError):
    pass


@presents(invites.InviteCodeTaken)
@strawberry.type
class InviteCodeTaken(UserError):
    pass


@presents(invites.InviteCodeNotFound)
@strawberry.type
class InviteCodeNotFound(UserError):
    pass
