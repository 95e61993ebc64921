"""What sign-up, login, invites and operators' account changes answer instead of a result:
each refusal keeps the code and the words clients have always been sent, and the schema
publishes each as the type of the same name."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from casino_club.domain.auth import (
    AccountBanned,
    InvalidCredentials,
    InvalidRefreshToken,
    LoginLocked,
    NicknameTaken,
    RefreshTokenProblem,
    SiteIdTaken,
)
from casino_club.domain.invites import (
    InviteCodeInvalid,
    InviteCodeNotFound,
    InviteCodeTaken,
    InviteProblem,
)
from casino_club.domain.refusals import UserNotFound
from casino_club.schema.outcomes import graphql_type_of
from casino_club.schema.root import schema  # noqa: F401 (registers every presented type)

LOCKED_UNTIL = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("refusal", "code", "message"),
    [
        (SiteIdTaken(), "SITE_ID_TAKEN", "This siteId is already registered"),
        (NicknameTaken(), "NICKNAME_TAKEN", "This nickname is already taken"),
        (InvalidCredentials(), "INVALID_CREDENTIALS", "Wrong siteId or password"),
        (
            LoginLocked(30, LOCKED_UNTIL),
            "LOGIN_LOCKED",
            "Too many failed attempts; try again in 30 s",
        ),
        (AccountBanned(), "ACCOUNT_BANNED", "This account is banned"),
        (
            InvalidRefreshToken(RefreshTokenProblem.UNKNOWN),
            "INVALID_REFRESH_TOKEN",
            "Unknown refresh token; log in again",
        ),
        (
            InvalidRefreshToken(RefreshTokenProblem.EXPIRED),
            "INVALID_REFRESH_TOKEN",
            "The refresh token has expired; log in again",
        ),
        (
            InvalidRefreshToken(RefreshTokenProblem.REVOKED),
            "INVALID_REFRESH_TOKEN",
            "The session has ended; log in again",
        ),
        (
            InvalidRefreshToken(RefreshTokenProblem.REUSED),
            "INVALID_REFRESH_TOKEN",
            "This refresh token was already used; every session was ended for safety",
        ),
        (
            InviteCodeInvalid(InviteProblem.NOT_FOUND),
            "INVITE_CODE_INVALID",
            "This invite code does not exist",
        ),
        (
            InviteCodeInvalid(InviteProblem.EXPIRED),
            "INVITE_CODE_INVALID",
            "This invite code has expired",
        ),
        (
            InviteCodeInvalid(InviteProblem.EXHAUSTED),
            "INVITE_CODE_INVALID",
            "This invite code has no uses left",
        ),
        (UserNotFound(), "USER_NOT_FOUND", "No such user"),
        (InviteCodeTaken(), "INVITE_CODE_TAKEN", "An invite code with this text exists"),
        (InviteCodeNotFound(), "INVITE_CODE_NOT_FOUND", "No such invite code"),
    ],
)
def test_a_refusal_keeps_its_code_and_words(refusal: object, code: str, message: str) -> None:
    assert (refusal.code, refusal.message) == (code, message)  # type: ignore[attr-defined]
    assert graphql_type_of(type(refusal)).__name__ == type(refusal).__name__
