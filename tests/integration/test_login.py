"""Login (SPEC §5.1): lockout on an injectable clock, attempts recorded, bans."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

from sqlalchemy import select
from starlette.applications import Starlette

from casino_club.clock import FrozenClock
from casino_club.persistence.models import LoginAttempt
from casino_club.services import Services
from tests.support import ME, PASSWORD, Api

HISTORY = "query { me { loginHistory(first: 3) { edges { cursor node { outcome success ip userAgent } } pageInfo { hasNextPage endCursor } } } }"  # noqa: E501


async def test_login_returns_tokens_and_records_the_attempt(api: Api, clock: FrozenClock) -> None:
    site_id = (await api.new_player())["user"]["siteId"]
    clock.advance(timedelta(seconds=5))
    result = await api.login(site_id.upper())  # siteId is case-insensitive
    assert result["__typename"] == "AuthPayload"
    assert result["user"]["lastLoginAt"] is not None
    history = await api.data(
        HISTORY, token=result["accessToken"], headers={"User-Agent": "pytest-ua"}
    )
    edges = history["me"]["loginHistory"]["edges"]
    assert [edge["node"]["outcome"] for edge in edges] == ["SUCCESS"]
    assert edges[0]["node"]["ip"] == "203.0.113.7"


async def test_wrong_password_and_unknown_user_look_the_same(api: Api) -> None:
    site_id = (await api.new_player())["user"]["siteId"]
    wrong = await api.login(site_id, "not the password")
    unknown = await api.login("nobody_here_at_all", PASSWORD)
    assert wrong["__typename"] == unknown["__typename"] == "InvalidCredentials"
    assert wrong["message"] == unknown["message"]


async def test_five_failures_in_ten_minutes_lock_for_ten_minutes(
    api: Api, app: Starlette, clock: FrozenClock
) -> None:
    site_id = (await api.new_player())["user"]["siteId"]
    for _ in range(4):
        clock.advance(timedelta(seconds=60))
        assert (await api.login(site_id, "bad password"))["__typename"] == "InvalidCredentials"
    clock.advance(timedelta(seconds=60))
    fifth = await api.login(site_id, "bad password")
    assert fifth["__typename"] == "LoginLocked"
    assert fifth["retryAfterSeconds"] == 600

    clock.advance(timedelta(seconds=599))
    locked = await api.login(site_id)  # even the right password is refused
    assert (locked["__typename"], locked["retryAfterSeconds"]) == ("LoginLocked", 1)

    clock.advance(timedelta(seconds=1))
    assert (await api.login(site_id))["__typename"] == "AuthPayload"

    services: Services = app.state.services
    async with services.sessionmaker() as session:
        outcomes = (
            await session.scalars(
                select(LoginAttempt.outcome)
                .where(LoginAttempt.site_id == site_id)
                .order_by(LoginAttempt.id)
            )
        ).all()
    assert outcomes == ["BAD_PASSWORD"] * 5 + ["LOCKED", "SUCCESS"]


async def test_failures_spread_over_more_than_ten_minutes_do_not_lock(
    api: Api, clock: FrozenClock
) -> None:
    site_id = (await api.new_player())["user"]["siteId"]
    for _ in range(8):
        clock.advance(timedelta(seconds=151))  # at most 4 failures in any 10-minute window
        assert (await api.login(site_id, "bad password"))["__typename"] == "InvalidCredentials"
    assert (await api.login(site_id))["__typename"] == "AuthPayload"


async def test_success_resets_the_failure_count(api: Api, clock: FrozenClock) -> None:
    site_id = (await api.new_player())["user"]["siteId"]
    for _ in range(4):
        clock.advance(timedelta(seconds=1))
        await api.login(site_id, "bad password")
    assert (await api.login(site_id))["__typename"] == "AuthPayload"
    clock.advance(timedelta(seconds=1))
    assert (await api.login(site_id, "bad password"))["__typename"] == "InvalidCredentials"


BAN = """
mutation Ban($input: SetUserBannedInput!) {
  setUserBanned(input: $input) {
    __typename ... on UserUpdated { user { id } } ... on UserError { code }
  }
}
"""


async def test_banned_player_cannot_log_in_and_tokens_stop_working(
    api: Api, admin_token: str
) -> None:
    player = await api.new_player()
    token, user_id = player["accessToken"], player["user"]["id"]
    assert (await api.data(ME, token=token))["me"]["id"] == user_id

    banned = await api.data(
        BAN, {"input": {"userId": user_id, "banned": True, "reason": "abuse"}}, token=admin_token
    )
    assert banned["setUserBanned"]["__typename"] == "UserUpdated"

    body = await api.execute(ME, token=token)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert (await api.login(player["user"]["siteId"]))["__typename"] == "AccountBanned"
    refreshed = await api.data(
        "mutation R($t: String!) { refreshTokens(input: {refreshToken: $t}) { __typename } }",
        {"t": player["refreshToken"]},
    )
    assert refreshed["refreshTokens"]["__typename"] == "InvalidRefreshToken"

    await api.data(BAN, {"input": {"userId": user_id, "banned": False}}, token=admin_token)
    assert (await api.login(player["user"]["siteId"]))["__typename"] == "AuthPayload"


async def test_twenty_simultaneous_wrong_passwords_check_at_most_five(
    api: Api, app: Starlette
) -> None:
    """Each attempt reserves its check under the account's lock before hashing, so the
    fifth failure locks the account for the fifteen still waiting."""
    site_id = (await api.new_player())["user"]["siteId"]
    results = await asyncio.gather(*(api.login(site_id, "bad password") for _ in range(20)))
    kinds = Counter(result["__typename"] for result in results)
    assert kinds == {"InvalidCredentials": 4, "LoginLocked": 16}
    assert (await api.login(site_id))["__typename"] == "LoginLocked"
    services: Services = app.state.services
    async with services.sessionmaker() as session:
        outcomes = Counter(
            (
                await session.scalars(
                    select(LoginAttempt.outcome).where(LoginAttempt.site_id == site_id)
                )
            ).all()
        )
    assert outcomes == {"BAD_PASSWORD": 5, "LOCKED": 16}
