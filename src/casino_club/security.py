"""Password hashing and tokens.

argon2id hashing costs ~160 ms of CPU at the default parameters, so it always runs in a
worker thread: on the event loop it would stall every other request and subscription.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import secrets
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

import anyio.to_thread
import jwt
from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from casino_club.config import Settings
from casino_club.domain.accounts import Rank, Role

JWT_ALGORITHM = "HS256"
CLOCK_SKEW = timedelta(seconds=30)
# 9999-01-01T00:00:00Z: a year short of datetime's limit, so any time zone fits.
MAX_NUMERIC_DATE = 253_370_764_800


class Passwords:
    def __init__(self, settings: Settings) -> None:
        self._hasher = PasswordHasher(
            time_cost=settings.argon2_time_cost,
            memory_cost=settings.argon2_memory_cost_kib,
            parallelism=settings.argon2_parallelism,
            type=Type.ID,
        )
        # Verified against when the user does not exist, so timing does not reveal it.
        self._dummy_hash = self._hasher.hash(secrets.token_hex(16))
        # At most this many hashes at once: a flood of logins queues here instead of
        # taking every core from the requests and subscriptions on the event loop; past
        # `_queue_limit` waiting, `saturated` tells the caller to refuse instead.
        self._slots = asyncio.Semaphore(settings.password_hash_concurrency)
        self._queue_limit = settings.password_hash_queue
        self._waiting = 0

    @property
    def saturated(self) -> bool:
        return self._waiting >= self._queue_limit

    async def hash(self, password: str) -> str:
        async with self._slot():
            return await anyio.to_thread.run_sync(self._hasher.hash, password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """Check a password; None (unknown user, locked account) costs the same time."""
        async with self._slot():
            return await anyio.to_thread.run_sync(
                self._verify_sync, password_hash or self._dummy_hash, password
            )

    @contextlib.asynccontextmanager
    async def _slot(self) -> AsyncIterator[None]:
        """Hold one of the hashing slots; counted as waiting until it is granted."""
        self._waiting += 1
        try:
            await self._slots.acquire()
        finally:
            self._waiting -= 1
        try:
            yield
        finally:
            self._slots.release()

    def _verify_sync(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: int
    session_id: str
    rank: Rank
    role: Role
    jti: str
    issued_at: datetime
    expires_at: datetime


class InvalidToken(Exception):
    """The bearer token is malformed, forged, expired or of the wrong kind."""


class AccessTokens:
    def __init__(self, settings: Settings) -> None:
        self._secret = settings.jwt_secret.get_secret_value()
        self._issuer = settings.jwt_issuer
        self._ttl = timedelta(seconds=settings.access_token_ttl_seconds)

    def issue(
        self, *, user_id: int, session_id: str, rank: Rank, role: Role, now: datetime
    ) -> tuple[str, AccessClaims]:
        claims = AccessClaims(
            user_id=user_id,
            session_id=session_id,
            rank=rank,
            role=role,
            jti=uuid.uuid4().hex,
            issued_at=now,
            expires_at=now + self._ttl,
        )
        payload = {
            "sub": str(user_id),
            "sid": session_id,
            "rank": rank.value,
            "role": role.value,
            "iat": int(now.timestamp()),
            "exp": int(claims.expires_at.timestamp()),
            "jti": claims.jti,
            "iss": self._issuer,
        }
        return jwt.encode(payload, self._secret, algorithm=JWT_ALGORITHM), claims

    def decode(self, token: str, now: datetime) -> AccessClaims:
        """Verify signature, algorithm, issuer and expiry against the server clock."""
        try:
            payload = jwt.decode(
                token,
                self._secret,
                algorithms=[JWT_ALGORITHM],
                issuer=self._issuer,
                options={
                    "require": ["sub", "sid", "exp", "iat", "jti", "rank", "role"],
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                },
            )
            claims = AccessClaims(
                user_id=_user_id(payload["sub"]),
                session_id=str(payload["sid"]),
                rank=Rank(payload["rank"]),
                role=Role(payload["role"]),
                jti=str(payload["jti"]),
                issued_at=_numeric_date(payload["iat"], now.tzinfo),
                expires_at=_numeric_date(payload["exp"], now.tzinfo),
            )
        except (jwt.PyJWTError, ValueError, TypeError, KeyError) as exc:
            raise InvalidToken(str(exc)) from exc
        # Times are checked here, against the injectable clock, not the wall clock.
        if claims.expires_at <= now:
            raise InvalidToken("token expired")
        if claims.issued_at > now + CLOCK_SKEW:
            raise InvalidToken("token issued in the future")
        return claims


def _user_id(value: object) -> int:
    """`sub`: our user ids as ASCII digits within BIGINT (int() would take "１２")."""
    if not (isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 18):
        raise InvalidToken("token subject is not a user id")
    return int(value)


def _numeric_date(value: object, tz: tzinfo | None) -> datetime:
    """A token time (RFC 7519 NumericDate: seconds since the epoch, a JSON number).

    Bounded before conversion: datetime overflows past year 9999 (OverflowError or
    OSError, which no caller expects), and no token of ours was issued before 1970.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidToken("token time is not a number")
    if not 0 <= value <= MAX_NUMERIC_DATE:  # also false for NaN
        raise InvalidToken("token time out of range")
    return datetime.fromtimestamp(int(value), tz)


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def hash_refresh_token(token: str) -> str:
    """Refresh tokens are stored hashed; they are high-entropy, so plain SHA-256 suffices."""
    return hashlib.sha256(token.encode()).hexdigest()


def bearer_token(header_value: str | None) -> str | None:
    """The token of an `Authorization: Bearer …` value, or None when absent."""
    if not header_value:
        return None
    scheme, _, token = header_value.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken("authorization must be 'Bearer <token>'")
    return token.strip()
