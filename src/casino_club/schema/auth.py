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


@strawberry.input(description="A new account: 1,000 gold, STANDARD rank, level 1.")
class SignupInput:
    site_id: str = strawberry.field(description="4–32 characters of A–Z, a–z, 0–9 and _")
    nickname: str = strawberry.field(description="2–20 characters, any script")
    password: str = strawberry.field(description="At least 8 characters")
    invite_code: str = strawberry.field(
        description="An invite code (validateInviteCode checks one first)."
    )
    phone: str | None = strawberry.field(
        default=None, description="Optional; digits with an optional leading +."
    )


@strawberry.input(
    description="Credentials; 5 wrong passwords within 10 minutes lock the account for 10 minutes."
)
class LoginInput:
    site_id: str = strawberry.field(description="The account's siteId (case-insensitive).")
    password: str = strawberry.field(description="The account's password.")


@strawberry.input(
    description="Trade a refresh token for a new session; the old token stops working."
)
class RefreshTokensInput:
    refresh_token: str = strawberry.field(description="The refreshToken of the latest AuthPayload.")


@presents(auth.AuthPayload)
@strawberry.type(description="A fresh session: send accessToken as 'Authorization: Bearer …'.")
class AuthPayload:
    access_token: str = strawberry.field(description="A JWT, valid for 30 minutes.")
    access_token_expires_at: datetime = strawberry.field(
        description="When accessToken stops working: refresh before."
    )
    refresh_token: str = strawberry.field(
        description="Opaque; valid for 14 days and usable once (refreshTokens rotates it). Keep "
        "it secret."
    )
    refresh_token_expires_at: datetime = strawberry.field(
        description="When refreshToken stops working: log in again after."
    )
    user: Player = strawberry.field(description="The account logged in.")


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
@strawberry.type(description="The session(s) ended; their tokens no longer work.")
class LogoutSuccess:
    revoked_sessions: int = strawberry.field(
        description="How many sessions ended (0 when already ended)."
    )
    client_mutation_id: str | None = strawberry.field(
        default=None, description="The input's clientMutationId, echoed; null when none was sent."
    )


SignupResult = Annotated[
    AuthPayload | ValidationFailed | SiteIdTaken | NicknameTaken | InviteCodeInvalid | RateLimited,
    strawberry.union(
        "SignupResult",
        description="signup's answer: a session for the new account, or why none was created.",
    ),
]
LoginResult = Annotated[
    AuthPayload | InvalidCredentials | LoginLocked | AccountBanned | RateLimited,
    strawberry.union(
        "LoginResult",
        description="login's answer: a session, or why none was opened.",
    ),
]
RefreshTokensResult = Annotated[
    AuthPayload | InvalidRefreshToken | AccountBanned | RateLimited,
    strawberry.union(
        "RefreshTokensResult",
        description="refreshTokens' answer: a new session, or why the token was refused.",
    ),
]
LogoutResult = Annotated[
    LogoutSuccess | ValidationFailed,
    strawberry.union(
        "LogoutResult",
        description="logout's and logoutAll's answer.",
    ),
]
