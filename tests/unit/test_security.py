"""Tokens and password hashing, without the server."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from casino_club.config import DEV_JWT_SECRET, Settings
from casino_club.domain.accounts import Rank, Role
from casino_club.security import (
    AccessTokens,
    InvalidToken,
    Passwords,
    bearer_token,
    hash_refresh_token,
)
from tests.raw_tokens import signed_with_times

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
SETTINGS = Settings(
    _env_file=None, argon2_time_cost=1, argon2_memory_cost_kib=1024, argon2_parallelism=1
)


def issue(tokens: AccessTokens) -> str:
    token, _ = tokens.issue(user_id=7, session_id="s1", rank=Rank.VIP, role=Role.USER, now=NOW)
    return token


def test_round_trip_claims() -> None:
    tokens = AccessTokens(SETTINGS)
    claims = tokens.decode(issue(tokens), NOW + timedelta(minutes=1))
    assert (claims.user_id, claims.session_id, claims.rank, claims.role) == (
        7,
        "s1",
        Rank.VIP,
        Role.USER,
    )
    assert claims.expires_at - claims.issued_at == timedelta(minutes=30)


def test_expiry_uses_the_given_clock() -> None:
    tokens = AccessTokens(SETTINGS)
    token = issue(tokens)
    tokens.decode(token, NOW + timedelta(minutes=29, seconds=59))
    with pytest.raises(InvalidToken):
        tokens.decode(token, NOW + timedelta(minutes=30))
    with pytest.raises(InvalidToken):
        tokens.decode(token, NOW - timedelta(minutes=5))  # issued in the future


def test_other_secret_and_algorithms_are_refused() -> None:
    tokens = AccessTokens(SETTINGS)
    payload = jwt.decode(issue(tokens), options={"verify_signature": False})
    for forged in (
        jwt.encode(payload, "x" * 40, algorithm="HS256"),
        jwt.encode(payload, DEV_JWT_SECRET * 2, algorithm="HS512"),
        jwt.encode(payload, None, algorithm="none"),
    ):
        with pytest.raises(InvalidToken):
            tokens.decode(forged, NOW)
    missing_sid = {key: value for key, value in payload.items() if key != "sid"}
    with pytest.raises(InvalidToken):
        tokens.decode(jwt.encode(missing_sid, DEV_JWT_SECRET, algorithm="HS256"), NOW)


def test_hand_signed_tokens_are_understood() -> None:
    assert AccessTokens(SETTINGS).decode(signed_with_times(SETTINGS, NOW), NOW).user_id == 7


@pytest.mark.parametrize(
    "times",
    [
        {"exp": "1e308"},
        {"exp": "Infinity"},
        {"exp": "NaN"},
        {"exp": str(2**70)},
        {"exp": "9" * 5000},
        {"exp": "253402300800"},  # year 10000
        {"exp": '"4102444800"'},  # a string, not a NumericDate
        {"exp": "true"},
        {"iat": "-1e20"},
        {"iat": "-Infinity"},
        {"iat": "null"},
    ],
)
def test_absurd_token_times_are_invalid_tokens(times: dict[str, str]) -> None:
    """They used to overflow datetime (OverflowError), which no caller catches: a masked
    internal error instead of an authentication failure."""
    with pytest.raises(InvalidToken):
        AccessTokens(SETTINGS).decode(signed_with_times(SETTINGS, NOW, **times), NOW)


def test_bearer_header_parsing() -> None:
    assert bearer_token(None) is None
    assert bearer_token("Bearer abc") == "abc"
    assert bearer_token("bearer  abc ") == "abc"
    for bad in ("Basic abc", "Bearer", "abc"):
        with pytest.raises(InvalidToken):
            bearer_token(bad)


async def test_password_hash_is_argon2id_and_verifies() -> None:
    passwords = Passwords(SETTINGS)
    stored = await passwords.hash("correct horse")
    assert stored.startswith("$argon2id$")
    assert await passwords.verify(stored, "correct horse")
    assert not await passwords.verify(stored, "wrong horse")
    assert not await passwords.verify("not-a-hash", "correct horse")
    assert not await passwords.verify(None, "anything")


def test_refresh_tokens_are_stored_hashed() -> None:
    assert hash_refresh_token("abc") != "abc"
    assert len(hash_refresh_token("abc")) == 64


async def test_hashes_queue_up_to_a_bound_and_then_report_saturation() -> None:
    """One hash at a time, two may wait: four at once saturate the queue until they drain.
    (Each hash costs tens of milliseconds, far longer than the loop takes to queue them.)"""
    settings = Settings(
        _env_file=None,
        argon2_time_cost=2,
        argon2_memory_cost_kib=32768,
        argon2_parallelism=1,
        password_hash_concurrency=1,
        password_hash_queue=2,
    )
    passwords = Passwords(settings)
    assert not passwords.saturated
    hashes = [asyncio.create_task(passwords.hash(f"password {i}")) for i in range(4)]
    observed = []
    while not all(task.done() for task in hashes):
        observed.append(passwords.saturated)
        await asyncio.sleep(0.001)
    assert True in observed
    done = await asyncio.gather(*hashes)
    assert not passwords.saturated
    checks = [await passwords.verify(h, f"password {i}") for i, h in enumerate(done)]
    assert checks == [True] * 4
