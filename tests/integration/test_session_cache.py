"""The session check without a database round trip (persistence/session_cache.py): a
checked token is trusted from memory, and logout, bans and stolen-token revocation
still end it on every instance."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest
from starlette.applications import Starlette

from casino_club.clock import FrozenClock
from casino_club.config import Settings
from tests.conftest import REDIS_BACKENDS, api_for, running_app
from tests.support import ME, Api, counting, free_port

LOGOUT = "mutation { logout(input: {}) { __typename } }"
BAN = """mutation B($id: ID!) { setUserBanned(input: {userId: $id, banned: true}) {
  __typename } }"""


def session_checks(app: Starlette) -> contextlib.AbstractContextManager[list[str]]:
    """Every statement the app sends that reads `auth_sessions`."""
    return counting(app.state.services, containing="auth_sessions")


def unauthenticated(body: dict[str, Any]) -> bool:
    return [e["extensions"]["code"] for e in body.get("errors", [])] == ["UNAUTHENTICATED"]


async def refused_within(api: Api, token: str, attempts: int = 500) -> bool:
    """Whether the token is refused, waiting (bounded) for a forget sent over Redis."""
    for _ in range(attempts):
        if unauthenticated(await api.execute(ME, token=token)):
            return True
        await asyncio.sleep(0.01)
    return False


async def test_a_checked_token_is_not_checked_again(api: Api, app: Starlette) -> None:
    player = await api.new_player()
    with session_checks(app) as checks:
        for _ in range(5):
            me = (await api.data(ME, token=player["accessToken"]))["me"]
    assert len(checks) == 1
    assert me["gold"] == player["user"]["gold"]  # `me` itself is read afresh


async def test_gold_in_me_is_current_although_the_session_is_cached(api: Api) -> None:
    player = await api.new_player()
    token = player["accessToken"]
    await api.data(ME, token=token)
    spun = (
        await api.data(
            "mutation { slotSpin(input: {stake: 10}) { ... on SlotSpinSuccess { balance } } }",
            token=token,
        )
    )["slotSpin"]
    assert (await api.data(ME, token=token))["me"]["gold"] == spun["balance"]


async def test_logout_ends_a_cached_session_on_the_same_instance(api: Api) -> None:
    player = await api.new_player()
    token = player["accessToken"]
    await api.data(ME, token=token)  # now cached
    assert (await api.data(LOGOUT, token=token))["logout"]["__typename"] == "LogoutSuccess"
    assert unauthenticated(await api.execute(ME, token=token))


async def test_with_the_cache_off_every_request_is_checked(
    settings: Settings, clock: FrozenClock
) -> None:
    off = settings.model_copy(update={"session_cache_seconds": 0})
    async with running_app(off, clock) as app, api_for(app) as api:
        player = await api.new_player()
        with session_checks(app) as checks:
            for _ in range(3):
                await api.data(ME, token=player["accessToken"])
    assert len(checks) == 3


# Two instances share state through PostgreSQL and Redis only.
@pytest.mark.parametrize("backend", REDIS_BACKENDS, indirect=True)
async def test_logout_and_ban_on_one_instance_end_cached_sessions_on_another(
    settings: Settings, clock: FrozenClock, admin_token: str
) -> None:
    async with (
        running_app(settings, clock) as first,
        running_app(settings, clock) as second,
        api_for(first) as on_first,
        api_for(second) as on_second,
    ):
        logging_out, banned = await on_first.new_player(), await on_first.new_player()
        for player in (logging_out, banned):
            for api in (on_first, on_second):
                await api.data(ME, token=player["accessToken"])  # cached on both
        with session_checks(first) as checks:
            await on_first.data(ME, token=logging_out["accessToken"])
        assert checks == []  # the first instance answers from its cache

        await on_second.data(LOGOUT, token=logging_out["accessToken"])
        assert await refused_within(on_first, logging_out["accessToken"])

        await on_second.data(BAN, {"id": banned["user"]["id"]}, token=admin_token)
        assert await refused_within(on_first, banned["accessToken"])


async def test_without_a_shared_event_channel_every_request_checks_its_token(
    settings: Settings,
) -> None:
    """Hot state in Redis means several instances; with an in-memory broadcast a forget
    could not reach the others, so nothing is cached."""
    redis_url = settings.redis_url or f"redis://127.0.0.1:{free_port()}/0"
    alone = settings.model_copy(update={"redis_url": redis_url, "broadcast_url": "memory://"})
    async with running_app(alone) as application, api_for(application) as api:
        player = await api.new_player()
        with session_checks(application) as checks:
            for _ in range(3):
                await api.data(ME, token=player["accessToken"])
    assert len(checks) == 3
