"""Redis down (SPEC §13): health says so, gameplay refuses clearly and changes nothing;
a running crash round can still be cashed out."""

from __future__ import annotations

import subprocess
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from casino_club.domain import crash
from tests.conftest import Backend, api_for, running_app
from tests.integration.crash.test_rounds import BET, cash_out, open_round
from tests.integration.shop.support import BUY, purchases_of
from tests.support import (
    FAIRNESS,
    SPIN,
    Api,
    ahead_of_the_wall_clock,
    error_codes,
    free_port,
    node_id,
)


@pytest.fixture
async def api_without_redis(backend: Backend) -> AsyncIterator[Api]:
    nothing_listens = f"redis://127.0.0.1:{free_port()}/0"
    settings = backend.settings(redis_url=nothing_listens, broadcast_url="memory://")
    async with running_app(settings) as application, api_for(application) as api:
        yield api


async def test_spins_refuse_with_service_unavailable(api_without_redis: Api) -> None:
    api = api_without_redis
    health = await api.client.get("/health")
    assert health.status_code == 503
    assert health.json()["redis"] == "down"

    player = await api.new_player()  # accounts need only the database
    token = player["accessToken"]
    before = (await api.data(FAIRNESS, token=token))["me"]
    body = await api.execute(
        SPIN, {"input": {"stake": 10, "idempotencyKey": "while-down"}}, token=token
    )
    assert error_codes(body) == ["SERVICE_UNAVAILABLE"]
    assert (await api.data(FAIRNESS, token=token))["me"] == before


async def test_purchases_refuse_without_the_fraud_guard(api_without_redis: Api) -> None:
    """The fraud guard lives in Redis; a guard that failed open would guard nothing."""
    api = api_without_redis
    token = (await api.new_player())["accessToken"]
    body = await api.execute(
        BUY,
        {"input": {"sku": "starter", "paymentToken": "tok_ok", "idempotencyKey": "while-down"}},
        token=token,
    )
    assert error_codes(body) == ["SERVICE_UNAVAILABLE"]
    assert await purchases_of(api, token) == []
    assert (await api.data("{ me { gold } }", token=token))["me"]["gold"] == 1_000
    # The key was not kept (a kept one would answer IdempotencyKeyInUse): it runs again.
    again = await api.execute(
        BUY,
        {"input": {"sku": "starter", "paymentToken": "tok_ok", "idempotencyKey": "while-down"}},
        token=token,
    )
    assert error_codes(again) == ["SERVICE_UNAVAILABLE"]


async def test_a_running_crash_round_can_still_be_cashed_out(
    backend: Backend, private_redis: tuple[int, list[subprocess.Popen[bytes]]]
) -> None:
    """Redis goes away mid-round: new bets are refused, but the player's cash-out — which
    can only pay what the round owes, once — still goes through (its rate limit fails
    open) instead of leaving the round to crash."""
    port, processes = private_redis
    # Looking for a round that lasts may take a few bets and cash-outs in one second: the
    # limit is lifted (what this test needs is only that the cash-out's fails open).
    settings = backend.settings(
        redis_url=f"redis://127.0.0.1:{port}/0",
        redis_cluster=False,  # a Redis of the test's own, to stop
        broadcast_url="memory://",
        game_rate_limit_per_second=1_000,
    )
    clock = ahead_of_the_wall_clock()
    async with running_app(settings, clock) as application, api_for(application) as api:
        token = (await api.new_player())["accessToken"]
        row = await open_round(api, application.state.services, clock, token, at_least=150)
        processes[0].kill()
        processes[0].wait()
        clock.advance(timedelta(milliseconds=crash.reach_ms(row.crash_point) // 2))
        won = await cash_out(api, token, node_id("CrashRound", row.id))
        assert won["__typename"] == "CrashCashedOut"
        body = await api.execute(BET, {"input": {"stake": 100}}, token=token)
        assert error_codes(body) == ["SERVICE_UNAVAILABLE"]
        assert (await api.data(FAIRNESS, token=token))["me"]["gold"] == won["balance"]
