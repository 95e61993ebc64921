"""Sign-up, login and token types (SPEC §5.1)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from casino_club.domain import auth
from casino_club.schema.errors import (
    AccountBanned,
    InvalidCredentials,
    InvalidRefreshToken,
    InviteCodeInvalid,
    LoginLocked,
    NicknameTaken,
    SiteIdTaken,
    ValidationFailed,
)
from casino_club.schema.games import RateLimited
from casino_club.schema.outcomes import presents
from casino_club.schema.users import Player


@strawberry.input
class SignupInput:
    site_id: str = strawberry.field(description="4–32 characters of A–Z, a–z, 0–9 and _")
    nickname: str = strawberry.field(description="2–20 characters, any script")
    password: str = strawberry.field(description="At least 8 characters")
    invite_code: str
    phone: str | None = None


@strawberry.input
class LoginInput:
    site_id: str
    password: str


@strawberry.input
class RefreshTokensInput:
    refresh_token: str


@presents(auth.AuthPayload)
@strawberry.type(description="A fresh session: send accessToken as 'Authorization: Bearer …'.")
class AuthPayload:
    access_token: str
    access_token_expires_at: datetime
    refresh_token: str
    refresh_token_expires_at: datetime
    user: Player


@strawberry.input(description="Ends the session of the token that sends it.")
class LogoutInput:
    client_mutation_id: str | None = strawberry.field(
        default=None, description="Echoed back, to match answers to requests (≤ 64 characters)"
    )


@strawberry.input(description="Ends every session of the caller, this one included.")
class LogoutAllInput:
    client_mutation_id: str | None = strawberry.field(
        default=None, description="Echoed back, to match answers to requests (≤ 64 characters)"
    )


@presents(auth.LogoutSuccess)
@strawberry.type
class LogoutSuccess:
    revoked_sessions: int
    client_mutation_id: str | None = None


SignupResult = Annotated[
    AuthPayload | ValidationFailed | SiteIdTaken | NicknameTaken | InviteCodeInvalid | RateLimited,
    strawberry.union("SignupResult"),
]
LoginResult = Annotated[
    AuthPayload | InvalidCredentials | LoginLocked | AccountBanned | RateLimited,
    strawberry.union("LoginResult"),
]
RefreshTokensResult = Annotated[
    AuthPayload | InvalidRefreshToken | AccountBanned | RateLimited,
    strawberry.union("RefreshTokensResult"),
]
LogoutResult = Annotated[LogoutSuccess | ValidationFailed, strawberry.union("LogoutResult")]
