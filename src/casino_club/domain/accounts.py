"""Account rules: what a valid sign-up looks like, and how identities compare.

siteId and nickname are unique case-insensitively; nicknames may use any script, so the
comparison key is NFKC-normalised and case-folded (a Korean nickname has no case, a
German one may fold "ß" to "ss").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

SITE_ID_PATTERN = re.compile(r"[A-Za-z0-9_]{4,32}")
NICKNAME_MIN, NICKNAME_MAX = 2, 20
PASSWORD_MIN = 8
# Bounded so a huge password cannot be used to burn CPU in the hash.
PASSWORD_MAX = 128
PHONE_PATTERN = re.compile(r"\+?[0-9][0-9 \-]{5,19}")


class Role(StrEnum):
    USER = "USER"
    ADMIN = "ADMIN"


class Rank(StrEnum):
    STANDARD = "STANDARD"
    PREMIUM = "PREMIUM"
    VIP = "VIP"

    @property
    def order(self) -> int:
        return _RANK_ORDER[self]


_RANK_ORDER = {Rank.STANDARD: 0, Rank.PREMIUM: 1, Rank.VIP: 2}


class SessionEnd(StrEnum):
    """Why a login session stopped working: the reason its revocation stored (all but
    EXPIRED), or its time ran out. A live subscription ends saying which, so a client can
    tell "logged out" from "banned" without asking again."""

    LOGOUT = "LOGOUT"
    LOGOUT_ALL = "LOGOUT_ALL"
    REFRESH_REUSE = "REFRESH_REUSE"
    BANNED = "BANNED"
    SESSION_LIMIT = "SESSION_LIMIT"
    EXPIRED = "EXPIRED"

    @property
    def explanation(self) -> str:
        return _SESSION_END_EXPLANATIONS[self]


_SESSION_END_EXPLANATIONS = {
    SessionEnd.LOGOUT: "logged out",
    SessionEnd.LOGOUT_ALL: "logged out on every device",
    SessionEnd.REFRESH_REUSE: "a refresh token was used twice, so every session was revoked",
    SessionEnd.BANNED: "account banned",
    SessionEnd.SESSION_LIMIT: "a newer login took this session's place "
    "(a player may keep only so many sessions at once)",
    SessionEnd.EXPIRED: "signed in too long ago; reconnect with a fresh access token",
}


@dataclass(frozen=True, slots=True)
class FieldProblem:
    field: str
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class SignupRequest:
    site_id: str
    nickname: str
    password: str
    phone: str | None


def identity_key(value: str) -> str:
    """The comparison key used for uniqueness of siteIds and nicknames."""
    return unicodedata.normalize("NFKC", value).casefold()


def normalize_nickname(nickname: str) -> str:
    return unicodedata.normalize("NFC", nickname.strip())


def validate_signup(request: SignupRequest) -> list[FieldProblem]:
    """Every problem with the request at once, so a form can show them all."""
    problems: list[FieldProblem] = []
    if not SITE_ID_PATTERN.fullmatch(request.site_id):
        problems.append(
            FieldProblem(
                "siteId", "INVALID_SITE_ID", "siteId must be 4-32 characters of A-Z, a-z, 0-9, _"
            )
        )
    nickname = normalize_nickname(request.nickname)
    if not NICKNAME_MIN <= len(nickname) <= NICKNAME_MAX:
        problems.append(
            FieldProblem(
                "nickname",
                "INVALID_NICKNAME",
                f"nickname must be {NICKNAME_MIN}-{NICKNAME_MAX} characters",
            )
        )
    elif any(unicodedata.category(ch).startswith("C") for ch in nickname):
        problems.append(
            FieldProblem(
                "nickname", "INVALID_NICKNAME", "nickname must not hold control characters"
            )
        )
    if len(request.password) < PASSWORD_MIN:
        problems.append(
            FieldProblem(
                "password",
                "PASSWORD_TOO_SHORT",
                f"password must be at least {PASSWORD_MIN} characters",
            )
        )
    elif len(request.password) > PASSWORD_MAX:
        problems.append(
            FieldProblem(
                "password",
                "PASSWORD_TOO_LONG",
                f"password must be at most {PASSWORD_MAX} characters",
            )
        )
    if request.phone is not None and not PHONE_PATTERN.fullmatch(request.phone):
        problems.append(FieldProblem("phone", "INVALID_PHONE", "phone must be 6-20 digits"))
    return problems


XP_PER_LEVEL = 500


def level_for_xp(xp: int) -> int:
    """SPEC §8.2: level = floor(xp / 500) + 1."""
    return xp // XP_PER_LEVEL + 1


def xp_to_next_level(xp: int) -> int:
    return level_for_xp(xp) * XP_PER_LEVEL - xp


def level_reached(xp_before: int, xp_after: int) -> int | None:
    """The new level if gaining this XP reached one (SPEC §8.2: a LEVEL_UP event)."""
    after = level_for_xp(xp_after)
    return after if after > level_for_xp(xp_before) else None


# SPEC §5.2: lifetime spend (cents) at which a rank is reached automatically.
RANK_SPEND_THRESHOLDS_CENTS: tuple[tuple[Rank, int], ...] = (
    (Rank.VIP, 20_000),
    (Rank.PREMIUM, 5_000),
)


def rank_for_lifetime_spend(current: Rank, lifetime_spend_cents: int) -> Rank:
    """Upgrade by spend, never downgrade (an admin-set rank stays)."""
    for rank, threshold in RANK_SPEND_THRESHOLDS_CENTS:
        if lifetime_spend_cents >= threshold and rank.order > current.order:
            return rank
    return current
