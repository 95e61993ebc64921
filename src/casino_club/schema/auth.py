"""Sign-up, login and token types (SPEC §5.1)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

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
from casino_club.schema.users import Profile


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


@strawberry.type(description="A fresh session: send accessToken as 'Authorization: Bearer …'.")
class AuthPayload:
    access_token: str
    access_token_expires_at: datetime
    refresh_token: str
    refresh_token_expires_at: datetime
    user: Profile


@strawberry.type
class LogoutSuccess:
    revoked_sessions: int


SignupResult = Annotated[
    AuthPayload | ValidationFailed | SiteIdTaken | NicknameTaken | InviteCodeInvalid,
    strawberry.union("SignupResult"),
]
LoginResult = Annotated[
    AuthPayload | InvalidCredentials | LoginLocked | AccountBanned,
    strawberry.union("LoginResult"),
]
RefreshTokensResult = Annotated[
    AuthPayload | InvalidRefreshToken | AccountBanned,
    strawberry.union("RefreshTokensResult"),
]
