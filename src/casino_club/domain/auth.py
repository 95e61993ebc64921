"""What signing up, logging in, refreshing tokens and logging out answer (SPEC §5.1): a
fresh session, or why there is none."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from casino_club.domain.errors import ErrorCode
from casino_club.domain.invites import InviteCodeInvalid
from casino_club.domain.profiles import Profile
from casino_club.domain.refusals import RateLimited, ValidationFailed

# A logout's clientMutationId is echoed back, so its length is bounded.
MAX_CLIENT_MUTATION_ID = 64


@dataclass(frozen=True, slots=True)
class AuthPayload:
    """A fresh session: the access token goes in 'Authorization: Bearer …'."""

    access_token: str
    access_token_expires_at: datetime
    refresh_token: str
    refresh_token_expires_at: datetime
    user: Profile


@dataclass(frozen=True, slots=True)
class LogoutSuccess:
    revoked_sessions: int
    client_mutation_id: str | None = None


@dataclass(frozen=True, slots=True)
class SiteIdTaken:
    code: ClassVar[ErrorCode] = ErrorCode.SITE_ID_TAKEN

    @property
    def message(self) -> str:
        return "This siteId is already registered"


@dataclass(frozen=True, slots=True)
class NicknameTaken:
    code: ClassVar[ErrorCode] = ErrorCode.NICKNAME_TAKEN

    @property
    def message(self) -> str:
        return "This nickname is already taken"


@dataclass(frozen=True, slots=True)
class InvalidCredentials:
    """Wrong password or unknown siteId: the answer does not tell which."""

    code: ClassVar[ErrorCode] = ErrorCode.INVALID_CREDENTIALS

    @property
    def message(self) -> str:
        return "Wrong siteId or password"


@dataclass(frozen=True, slots=True)
class LoginLocked:
    """Too many failed attempts on the account: no password is tried until the lock ends."""

    code: ClassVar[ErrorCode] = ErrorCode.LOGIN_LOCKED
    retry_after_seconds: int
    locked_until: datetime

    @property
    def message(self) -> str:
        return f"Too many failed attempts; try again in {self.retry_after_seconds} s"


@dataclass(frozen=True, slots=True)
class AccountBanned:
    code: ClassVar[ErrorCode] = ErrorCode.ACCOUNT_BANNED

    @property
    def message(self) -> str:
        return "This account is banned"


class RefreshTokenProblem(StrEnum):
    UNKNOWN = "UNKNOWN"
    EXPIRED = "EXPIRED"
    REVOKED = "REVOKED"
    REUSED = "REUSED"  # presented twice: it was copied, so every session was ended


_REFRESH_MESSAGES = {
    RefreshTokenProblem.UNKNOWN: "Unknown refresh token; log in again",
    RefreshTokenProblem.EXPIRED: "The refresh token has expired; log in again",
    RefreshTokenProblem.REVOKED: "The session has ended; log in again",
    RefreshTokenProblem.REUSED: (
        "This refresh token was already used; every session was ended for safety"
    ),
}


@dataclass(frozen=True, slots=True)
class InvalidRefreshToken:
    code: ClassVar[ErrorCode] = ErrorCode.INVALID_REFRESH_TOKEN
    reason: RefreshTokenProblem

    @property
    def message(self) -> str:
        return _REFRESH_MESSAGES[self.reason]


# What each answers instead of a session.
SignupRefusal = ValidationFailed | SiteIdTaken | NicknameTaken | InviteCodeInvalid | RateLimited
LoginRefusal = InvalidCredentials | LoginLocked | AccountBanned | RateLimited
RefreshRefusal = InvalidRefreshToken | AccountBanned | RateLimited
