"""Anonymous endpoints are throttled per client address (SPEC §5.1): each login costs a
password hash, so signup, login and refreshTokens share a per-minute budget per address,
and X-Forwarded-For counts only when the peer is a trusted proxy."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from casino_club.clock import FrozenClock
from casino_club.config import Settings
from tests.conftest import api_for, running_app
from tests.support import PASSWORD, REFRESH, Api

# The in-process test client connects from this address (tests/conftest.py api_for).
PEER = "203.0.113.7"


def throttled(settings: Settings, **extra: Any) -> Settings:
    return settings.model_copy(update={"auth_attempts_per_minute_per_address": 3, **extra})


async def refresh(api: Api, token: str) -> dict[str, Any]:
    result: dict[str, Any] = (await api.data(REFRESH, {"input": {"refreshToken": token}}))[
        "refreshTokens"
    ]
    return result


async def test_signup_login_and_refresh_share_a_budget_per_address(
    settings: Settings, clock: FrozenClock
) -> None:
    async with running_app(throttled(settings), clock) as app, api_for(app) as api:
        player = await api.new_player()
        assert (await api.login(player["user"]["siteId"]))["__typename"] == "AuthPayload"
        assert (await refresh(api, player["refreshToken"]))["__typename"] == "AuthPayload"
        for attempt in (
            await api.signup(),
            await api.login(player["user"]["siteId"]),
            await refresh(api, "whatever"),
        ):
            assert attempt["__typename"] == "RateLimited", attempt
            assert 0 < attempt["retryAfterMs"] <= 60_000
        # A client cannot pick a new address by writing a header: no proxy is trusted.
        spoofed = await api.execute(
            'mutation { login(input: {siteId: "x_nobody", password: "p"}) { __typename } }',
            headers={"X-Forwarded-For": "198.51.100.1"},
        )
        assert spoofed["data"]["login"]["__typename"] == "RateLimited"
        clock.advance(timedelta(seconds=61))
        assert (await api.login(player["user"]["siteId"]))["__typename"] == "AuthPayload"


async def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_budget(
    settings: Settings, clock: FrozenClock
) -> None:
    proxied = throttled(settings, trusted_proxies=[PEER])
    async with running_app(proxied, clock) as app, api_for(app) as api:
        site_id = (await api.new_player())["user"]["siteId"]

        async def login_from(address: str) -> str:
            body = await api.execute(
                "mutation L($input: LoginInput!) { login(input: $input) { __typename } }",
                {"input": {"siteId": site_id, "password": PASSWORD}},
                headers={"X-Forwarded-For": f"{address}, {PEER}"},
            )
            kind: str = body["data"]["login"]["__typename"]
            return kind

        assert [await login_from("198.51.100.1") for _ in range(4)] == [
            "AuthPayload",
            "AuthPayload",
            "AuthPayload",
            "RateLimited",
        ]
        assert await login_from("198.51.100.2") == "AuthPayload"
        me = await api.login(site_id)  # the proxy's own address has its budget too
        history = await api.data(
            "{ me { loginHistory(first: 10) { edges { node { ip outcome } } } } }",
            token=me["accessToken"],
        )
        edges = history["me"]["loginHistory"]["edges"]
        seen = {(edge["node"]["ip"], edge["node"]["outcome"]) for edge in edges}
        assert ("198.51.100.1", "RATE_LIMITED") in seen
        assert ("198.51.100.2", "SUCCESS") in seen


async def test_zero_turns_the_throttle_off(settings: Settings, clock: FrozenClock) -> None:
    off = settings.model_copy(update={"auth_attempts_per_minute_per_address": 0})
    async with running_app(off, clock) as app, api_for(app) as api:
        for _ in range(40):
            assert (await api.login("x_nobody", "password1"))["__typename"] == "InvalidCredentials"
