"""End to end on a real server: a followed crash round stops streaming when its session
logs out (SPEC §10, §6.4), and WebSocket messages are bounded like HTTP bodies (SPEC §13).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import websockets
from gql.transport.exceptions import TransportQueryError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from casino_club.config import Settings
from casino_club.domain import crash
from casino_club.persistence.models import CrashRound
from tests.conftest import Backend
from tests.e2e.test_crash_live import BET, CASHOUT, follower, following
from tests.e2e.test_http_and_websocket import TIMEOUT, signup_player, ws_url
from tests.e2e.test_live_and_money import post
from tests.support import row_id

pytestmark = pytest.mark.e2e

LOGOUT = "mutation { logout(input: {}) { __typename } }"
# 2.00× is reached 11.6 s into a round: far beyond the once-a-second session check.
LONG_ROUND = 200
# Game actions are limited to 10 a second; a bet and a cash-out per try stay below.
PAUSE_BETWEEN_TRIES = 0.25
MAX_REQUEST_BYTES = Settings.model_fields["max_request_bytes"].default


@pytest.fixture
async def database(backend: Backend) -> AsyncIterator[AsyncEngine]:
    """The server's database, to read a round's crash point (secret to the client)."""
    engine = create_async_engine(backend.database_url)
    yield engine
    await engine.dispose()


async def crash_point_of(engine: AsyncEngine, round_id: str) -> tuple[int, str]:
    async with engine.connect() as connection:
        row = (
            await connection.execute(
                select(CrashRound.crash_point, CrashRound.status).where(
                    CrashRound.id == row_id(round_id)
                )
            )
        ).one()
    return int(row[0]), str(row[1])


async def a_long_round(http: httpx.AsyncClient, engine: AsyncEngine, token: str) -> tuple[str, int]:
    """(round id, crash point) of a round that runs at least to LONG_ROUND; shorter ones
    are cashed out at once and another is opened."""
    for _ in range(30):  # P(30 tries all below 2.00×) = 0.505^30 ≈ 10^-9
        placed = (await post(http, BET, token, {"input": {"stake": 10}}))["crashBet"]
        assert placed["__typename"] == "CrashBetPlaced", placed
        round_id: str = placed["round"]["id"]
        crash_point, _ = await crash_point_of(engine, round_id)
        if crash_point >= LONG_ROUND:
            return round_id, crash_point
        await post(http, CASHOUT, token, {"input": {"roundId": round_id}})
        await asyncio.sleep(PAUSE_BETWEEN_TRIES)
    raise AssertionError("no round reached 2.00×")


async def test_a_followed_crash_round_ends_with_unauthenticated_after_logout(
    server: str, database: AsyncEngine
) -> None:
    player = await signup_player(server)
    token = player["accessToken"]
    ticks: list[dict[str, Any]] = []
    async with httpx.AsyncClient(base_url=server, timeout=TIMEOUT) as http:
        round_id, crash_point = await a_long_round(http, database, token)

        async def follow_and_log_out() -> None:
            """Follow the round; log the session out over HTTP after the first tick."""
            async with follower(server, token) as ws:
                async for event in ws.subscribe(following(round_id)):
                    ticks.append(event["crashRound"])
                    if len(ticks) == 1:
                        assert (await post(http, LOGOUT, token))["logout"]["__typename"]

        with pytest.raises(TransportQueryError) as caught:
            await asyncio.wait_for(follow_and_log_out(), TIMEOUT)
    assert caught.value.errors is not None
    assert caught.value.errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
    # It ended because the session did, not because the round did.
    assert ticks, "no tick before the logout"
    assert all(tick["kind"] == "TICK" and tick["roundId"] == round_id for tick in ticks)
    assert all(tick["elapsedMs"] < crash.reach_ms(crash_point) for tick in ticks)
    _, status = await crash_point_of(database, round_id)
    assert status == "OPEN"


async def send_and_receive(socket: websockets.ClientConnection, message: str) -> str | bytes:
    await socket.send(message)
    return await socket.recv()


async def test_a_websocket_message_over_the_request_limit_closes_the_connection(
    server: str,
) -> None:
    player = await signup_player(server)
    init = {
        "type": "connection_init",
        "payload": {"authorization": f"Bearer {player['accessToken']}"},
    }

    def operation(size: int) -> str:
        """A graphql-transport-ws `subscribe` of `{ __typename }`, padded to `size` bytes."""
        message = {"id": "1", "type": "subscribe", "payload": {"query": "{ __typename }"}}
        padding = size - len(json.dumps(message))
        message["payload"] = {"query": "{ __typename }" + " " * padding}
        encoded = json.dumps(message)
        assert len(encoded.encode()) == size
        return encoded

    async with asyncio.timeout(TIMEOUT):
        async with websockets.connect(
            ws_url(server),
            subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        ) as socket:
            await socket.send(json.dumps(init))
            assert json.loads(await socket.recv())["type"] == "connection_ack"

            # Just under the limit: an operation like any other.
            await socket.send(operation(MAX_REQUEST_BYTES - 1024))
            answer = json.loads(await socket.recv())
            assert (answer["type"], answer["payload"]) == (
                "next",
                {"data": {"__typename": "Query"}},
            )
            assert json.loads(await socket.recv())["type"] == "complete"

            # Over it: the server closes the connection, "message too big".
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await send_and_receive(socket, operation(100_000))
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 1009

        async with httpx.AsyncClient(base_url=server, timeout=TIMEOUT) as http:
            health = await http.get("/health")
    assert health.status_code == 200
