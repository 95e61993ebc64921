"""Access and refresh tokens (SPEC §5.1): rotation, reuse detection, logout, bad JWTs,
and the limit of sessions per player."""

from __future__ import annotations

import asyncio
import base64
import json
from datetime import timedelta

import jwt
import pytest

from casino_club.clock import FrozenClock
from casino_club.config import Settings
from tests.conftest import api_for, running_app
from tests.support import ME, REFRESH, Api, error_codes


async def refresh(api: Api, token: str) -> dict[str, object]:
    result: dict[str, object] = (await api.data(REFRESH, {"input": {"refreshToken": token}}))[
        "refreshTokens"
    ]
    return result


def unauthenticated(body: dict[str, object]) -> bool:
    errors = body.get("errors")
    assert isinstance(errors, list)
    return bool(errors[0]["extensions"]["code"] == "UNAUTHENTICATED") and body.get("data") is None


async def test_refresh_rotates_and_the_new_tokens_work(api: Api) -> None:
    player = await api.new_player()
    rotated = await refresh(api, player["refreshToken"])
    assert rotated["__typename"] == "AuthPayload"
    assert rotated["refreshToken"] != player["refreshToken"]
    assert (await api.data(ME, token=str(rotated["accessToken"])))["me"]["id"] == player["user"][
        "id"
    ]
    again = await refresh(api, str(rotated["refreshToken"]))
    assert again["__typename"] == "AuthPayload"


async def test_reusing_a_rotated_refresh_token_revokes_every_session(api: Api) -> None:
    player = await api.new_player()
    other_device = await api.login(player["user"]["siteId"])
    rotated = await refresh(api, player["refreshToken"])
    assert rotated["__typename"] == "AuthPayload"

    reused = await refresh(api, player["refreshToken"])
    assert (reused["__typename"], reused["reason"]) == ("InvalidRefreshToken", "REUSED")

    for token in (str(rotated["accessToken"]), other_device["accessToken"], player["accessToken"]):
        assert unauthenticated(await api.execute(ME, token=token))
    for refresh_token in (str(rotated["refreshToken"]), other_device["refreshToken"]):
        assert (await refresh(api, refresh_token))["__typename"] == "InvalidRefreshToken"


async def test_unknown_and_expired_refresh_tokens(
    api: Api, clock: FrozenClock, settings: Settings
) -> None:
    unknown = await refresh(api, "not-a-token")
    assert (unknown["__typename"], unknown["reason"]) == ("InvalidRefreshToken", "UNKNOWN")
    player = await api.new_player()
    clock.advance(timedelta(seconds=settings.refresh_token_ttl_seconds))
    expired = await refresh(api, player["refreshToken"])
    assert (expired["__typename"], expired["reason"]) == ("InvalidRefreshToken", "EXPIRED")


LOGOUT = "mutation { logout(input: {}) { ... on LogoutSuccess { revokedSessions } } }"
LOGOUT_ALL = "mutation { logoutAll(input: {}) { ... on LogoutSuccess { revokedSessions } } }"


async def test_logout_makes_the_old_access_token_fail(api: Api) -> None:
    player = await api.new_player()
    second = await api.login(player["user"]["siteId"])
    out = await api.data(
        "mutation { logout(input: {}) { ... on LogoutSuccess { revokedSessions } } }",
        token=player["accessToken"],
    )
    assert out["logout"]["revokedSessions"] == 1
    assert unauthenticated(await api.execute(ME, token=player["accessToken"]))
    refreshed = await refresh(api, player["refreshToken"])
    assert (refreshed["__typename"], refreshed["reason"]) == ("InvalidRefreshToken", "REVOKED")
    # The other session is untouched.
    assert (await api.data(ME, token=second["accessToken"]))["me"]["id"] == player["user"]["id"]


async def test_logout_all_ends_every_session(api: Api) -> None:
    player = await api.new_player()
    second = await api.login(player["user"]["siteId"])
    out = await api.data(
        "mutation { logoutAll(input: {}) { ... on LogoutSuccess { revokedSessions } } }",
        token=second["accessToken"],
    )
    assert out["logoutAll"]["revokedSessions"] == 2
    for token in (player["accessToken"], second["accessToken"]):
        assert unauthenticated(await api.execute(ME, token=token))


async def test_access_token_expires_after_thirty_minutes(api: Api, clock: FrozenClock) -> None:
    player = await api.new_player()
    claims = jwt.decode(player["accessToken"], options={"verify_signature": False})
    assert set(claims) >= {"sub", "rank", "role", "iat", "exp", "jti"}
    assert claims["exp"] - claims["iat"] == 30 * 60
    clock.advance(timedelta(minutes=29, seconds=59))
    assert "errors" not in await api.execute(ME, token=player["accessToken"])
    clock.advance(timedelta(seconds=1))
    assert unauthenticated(await api.execute(ME, token=player["accessToken"]))


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


@pytest.mark.parametrize("kind", ["forged", "alg_none", "wrong_issuer", "garbage", "not_bearer"])
async def test_bad_tokens_are_refused(api: Api, clock: FrozenClock, kind: str) -> None:
    player = await api.new_player()
    claims = jwt.decode(player["accessToken"], options={"verify_signature": False})
    tokens = {
        "forged": jwt.encode(claims, "an attacker secret of at least 32 bytes", algorithm="HS256"),
        "alg_none": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}.",
        "wrong_issuer": jwt.encode({**claims, "iss": "elsewhere"}, "x" * 32, algorithm="HS256"),
        "garbage": "a.b.c",
    }
    if kind == "not_bearer":
        body = await api.execute(ME, headers={"Authorization": f"Basic {player['accessToken']}"})
    else:
        body = await api.execute(ME, token=tokens[kind])
    assert unauthenticated(body)
    # A bad token on a public operation does not break it.
    public = await api.execute('{ validateInviteCode(code: "5858") { valid } }', token="a.b.c")
    assert public["data"]["validateInviteCode"]["valid"] is True


async def test_a_login_beyond_the_session_limit_ends_the_oldest(settings: Settings) -> None:
    """MAX_SESSIONS_PER_PLAYER=2: each login beyond two ends the oldest session; the
    newest two work, and a refresh does not open a third."""
    limited = settings.model_copy(update={"max_sessions_per_player": 2})
    async with running_app(limited) as app, api_for(app) as api:
        player = await api.new_player()
        site_id = player["user"]["siteId"]
        second, third = [await api.login(site_id) for _ in range(2)]
        assert unauthenticated(await api.execute(ME, token=player["accessToken"]))
        for session in (second, third):
            assert (await api.data(ME, token=session["accessToken"]))["me"]["id"]
        rotated = await refresh(api, second["refreshToken"])
        assert rotated["__typename"] == "AuthPayload"
        assert (await api.data(ME, token=third["accessToken"]))["me"]["id"]


async def test_logins_at_once_keep_no_more_sessions_than_the_limit(settings: Settings) -> None:
    """20 logins at once with a limit of 2: exactly two sessions work afterwards (the
    lockout, which counts each login in flight as a failure until its hash is checked,
    raised so that all 20 are checked)."""
    limited = settings.model_copy(
        update={
            "max_sessions_per_player": 2,
            "auth_attempts_per_minute_per_address": 0,
            "login_max_failures": 100,
        }
    )
    async with running_app(limited) as app, api_for(app) as api:
        player = await api.new_player()
        logins = await asyncio.gather(*(api.login(player["user"]["siteId"]) for _ in range(20)))
        assert {login["__typename"] for login in logins} == {"AuthPayload"}, logins
        tokens = [player["accessToken"], *(login["accessToken"] for login in logins)]
        working = [token for token in tokens if not error_codes(await api.execute(ME, token=token))]
        assert len(working) == 2
