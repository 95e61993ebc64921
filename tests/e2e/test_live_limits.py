"""End to end (SPEC §13, issue 24 item 3): WebSocket connections and subscriptions are
bounded per player and per address, not only per connection, on both protocols; a
refusal says which limit, and what is closed or completed is counted out again.

Real clients (`websockets`) against a real server; every wait is bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import websockets
from websockets.asyncio.client import ClientConnection

from tests.conftest import REDIS_BACKENDS, Backend
from tests.e2e.conftest import start_server
from tests.e2e.test_http_and_websocket import TIMEOUT, signup_player, ws_url

pytestmark = pytest.mark.e2e

TRANSPORT_WS = "graphql-transport-ws"
LEGACY_WS = "graphql-ws"
BEAT = "subscription { heartbeat(intervalSeconds: 60) { userId } }"
BEAT_EVERY_SECOND = "subscription { heartbeat(intervalSeconds: 1) { userId } }"
# How long a closed connection may take to be counted out (the server must notice).
RELEASE_WITHIN_SECONDS = 5


async def receive(socket: ClientConnection) -> dict[str, Any]:
    """The next message that is not a keep-alive."""
    while True:
        message: dict[str, Any] = json.loads(await asyncio.wait_for(socket.recv(), TIMEOUT))
        if message["type"] not in ("ka", "ping", "pong"):
            return message


@contextlib.asynccontextmanager
async def connected(
    base_url: str, token: str, protocol: str = TRANSPORT_WS
) -> AsyncIterator[tuple[ClientConnection, dict[str, Any]]]:
    """A WebSocket after `connection_init`, with the server's first answer to it."""
    async with websockets.connect(ws_url(base_url), subprotocols=[protocol]) as socket:  # type: ignore[list-item]
        init = {"authorization": f"Bearer {token}"}
        await socket.send(json.dumps({"type": "connection_init", "payload": init}))
        try:
            answer = await receive(socket)
        except websockets.ConnectionClosed as closed:
            frame = closed.rcvd
            answer = {
                "type": "closed",
                "code": frame.code if frame else None,
                "reason": frame.reason if frame else None,
            }
        yield socket, answer


async def closed_with(socket: ClientConnection) -> tuple[int, str]:
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await receive(socket)
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code, closed.value.rcvd.reason


async def subscribe(socket: ClientConnection, operation_id: str, protocol: str) -> dict[str, Any]:
    """Start a heartbeat; the server's first message about it (the first beat, or why not)."""
    kind = "subscribe" if protocol == TRANSPORT_WS else "start"
    await socket.send(json.dumps({"id": operation_id, "type": kind, "payload": {"query": BEAT}}))
    while True:  # past what earlier operations still say (a beat of a stopped one)
        message = await receive(socket)
        if message.get("id") == operation_id:
            return message


def beat(message: dict[str, Any]) -> bool:
    return message["type"] in ("next", "data") and "errors" not in message["payload"]


def errors_of(message: dict[str, Any]) -> list[dict[str, Any]]:
    """A refused operation's errors: an `error` message's (graphql-transport-ws: a list;
    graphql-ws: one error)."""
    assert message["type"] == "error", message
    payload = message["payload"]
    return payload if isinstance(payload, list) else [payload]


def refused_subscription(message: dict[str, Any]) -> str:
    """The error code of a refused subscription, whichever way the protocol carries it."""
    errors = errors_of(message)
    assert len(errors) == 1, message
    assert "subscriptions" in errors[0]["message"]
    code: str = errors[0]["extensions"]["code"]
    return code


async def eventually_accepted(base_url: str, token: str) -> bool:
    """Whether a new connection is accepted within the release bound."""
    for _ in range(RELEASE_WITHIN_SECONDS * 10):
        async with connected(base_url, token) as (_, answer):
            if answer["type"] == "connection_ack":
                return True
        await asyncio.sleep(0.1)
    return False


async def test_connections_are_bounded_per_player_and_per_address(
    backend: Backend, tmp_path: Path
) -> None:
    limits = {"WS_MAX_CONNECTIONS_PER_PLAYER": "2", "WS_MAX_CONNECTIONS_PER_ADDRESS": "4"}
    with start_server(backend, tmp_path, **limits) as running:
        url = running.url
        one, two, three = [(await signup_player(url))["accessToken"] for _ in range(3)]
        async with contextlib.AsyncExitStack() as stack:
            first = await stack.enter_async_context(connected(url, one))
            second = await stack.enter_async_context(connected(url, one, LEGACY_WS))
            assert first[1]["type"] == second[1]["type"] == "connection_ack"
            async with connected(url, one) as (_, answer):
                assert answer == {
                    "type": "closed",
                    "code": 4429,
                    "reason": "Too many open connections for this player (at most 2)",
                }
            async with connected(url, one, LEGACY_WS) as (socket, answer):
                assert answer["type"] == "connection_error"
                assert answer["payload"]["code"] == "TOO_MANY_CONNECTIONS"
                assert await closed_with(socket) == (
                    4429,
                    "Too many open connections for this player (at most 2)",
                )
            # Another player from the same address fills the address's four.
            for _ in range(2):
                other = await stack.enter_async_context(connected(url, two))
                assert other[1]["type"] == "connection_ack"
            async with connected(url, three) as (_, answer):
                assert answer["type"] == "closed"
                assert (answer["code"], answer["reason"]) == (
                    4429,
                    "Too many open connections for this address (at most 4)",
                )
            # Closing one of the first player's gives its place back.
            await first[0].close()
            assert await eventually_accepted(url, one)
        # Everything closed: all three players may connect again.
        for token in (one, two, three):
            assert await eventually_accepted(url, token)


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_subscriptions_are_bounded_per_player_across_connections(
    backend: Backend, tmp_path: Path, protocol: str
) -> None:
    limits = {"GRAPHQL_MAX_SUBSCRIPTIONS_PER_PLAYER": "3"}
    with start_server(backend, tmp_path, **limits) as running:
        url = running.url
        player, other = [(await signup_player(url))["accessToken"] for _ in range(2)]
        async with (
            connected(url, player, protocol) as (first, _),
            connected(url, player, protocol) as (second, _),
            connected(url, other, protocol) as (elsewhere, _),
        ):
            assert beat(await subscribe(first, "1", protocol))
            assert beat(await subscribe(first, "2", protocol))
            assert beat(await subscribe(second, "3", protocol))
            assert refused_subscription(await subscribe(second, "4", protocol)) == (
                "TOO_MANY_SUBSCRIPTIONS"
            )
            # Another player's subscriptions are theirs to count.
            assert beat(await subscribe(elsewhere, "1", protocol))
            # Stopping one gives its place back...
            stop = "complete" if protocol == TRANSPORT_WS else "stop"
            await second.send(json.dumps({"id": "3", "type": stop}))
            for attempt in range(RELEASE_WITHIN_SECONDS * 10):
                answer = await subscribe(second, f"5.{attempt}", protocol)
                if beat(answer):
                    break
                await asyncio.sleep(0.1)
            assert beat(answer)
            # ...and so does closing a connection, with both of its subscriptions.
            await first.close()
            for attempt in range(RELEASE_WITHIN_SECONDS * 10):
                answer = await subscribe(second, f"6.{attempt}", protocol)
                if beat(answer):
                    break
                await asyncio.sleep(0.1)
            assert beat(answer)
            assert beat(await subscribe(second, "7", protocol))
            assert refused_subscription(await subscribe(second, "8", protocol)) == (
                "TOO_MANY_SUBSCRIPTIONS"
            )


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_one_connections_operations_are_bounded_with_a_code(
    backend: Backend, tmp_path: Path, protocol: str
) -> None:
    """strawberry's own refusal has no code; ours says TOO_MANY_SUBSCRIPTIONS and why."""
    limits = {"GRAPHQL_MAX_SUBSCRIPTIONS_PER_CONNECTION": "2"}
    with start_server(backend, tmp_path, **limits) as running:
        token = (await signup_player(running.url))["accessToken"]
        async with connected(running.url, token, protocol) as (socket, _):
            assert beat(await subscribe(socket, "1", protocol))
            assert beat(await subscribe(socket, "2", protocol))
            refused = await subscribe(socket, "3", protocol)
            assert refused_subscription(refused) == "TOO_MANY_SUBSCRIPTIONS"
            assert "2 operations at once on one connection" in errors_of(refused)[0]["message"]
            # The refusal ended that operation alone; stopping one of the two frees a place.
            stop = "complete" if protocol == TRANSPORT_WS else "stop"
            await socket.send(json.dumps({"id": "1", "type": stop}))
            for attempt in range(RELEASE_WITHIN_SECONDS * 10):
                answer = await subscribe(socket, f"4.{attempt}", protocol)
                if beat(answer):
                    break
                await asyncio.sleep(0.1)
            assert beat(answer)


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_subscription_starts_draw_on_the_query_budget(
    backend: Backend, tmp_path: Path, protocol: str
) -> None:
    """Subscribing and stopping in a loop holds one subscription at a time, so the live
    limits never bite, yet every start subscribes to the pub/sub and may replay from the
    store: starts are operations of the caller's budget like queries."""
    budget = {
        "QUERY_BUDGET_PER_SECOND_PER_PLAYER": "2",
        "QUERY_BUDGET_PER_SECOND_PER_ADDRESS": "1000",
    }
    stop = "complete" if protocol == TRANSPORT_WS else "stop"
    with start_server(backend, tmp_path, **budget) as running:
        token = (await signup_player(running.url))["accessToken"]
        async with connected(running.url, token, protocol) as (socket, _):
            outcomes = []
            for n in range(20):
                answer = await subscribe(socket, str(n), protocol)
                if beat(answer):
                    outcomes.append("beat")
                    await socket.send(json.dumps({"id": str(n), "type": stop}))
                else:
                    outcomes.append(errors_of(answer)[0]["extensions"]["code"])
    assert outcomes[0] == "beat"
    assert "RATE_LIMITED" in outcomes
    assert set(outcomes) == {"beat", "RATE_LIMITED"}


async def test_a_repeated_graphql_ws_init_keeps_one_keep_alive(
    backend: Backend, tmp_path: Path
) -> None:
    """graphql-ws lets a client initialise again, and each `connection_init` started a
    keep-alive task beside the last, never stopped: forty inits made forty `ka` streams
    (and forty tasks failing once the client left). Between two heartbeats a second
    apart, a keep-alive every quarter second sends a handful of `ka`, not a hundred."""
    with start_server(backend, tmp_path, WS_PING_INTERVAL_SECONDS="0.25") as running:
        token = (await signup_player(running.url))["accessToken"]
        async with websockets.connect(ws_url(running.url), subprotocols=[LEGACY_WS]) as socket:  # type: ignore[list-item]
            init = {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
            for _ in range(40):
                await socket.send(json.dumps(init))
            start = {"id": "1", "type": "start", "payload": {"query": BEAT_EVERY_SECOND}}
            await socket.send(json.dumps(start))
            kinds: list[str] = []
            while kinds.count("data") < 2:
                message = json.loads(await asyncio.wait_for(socket.recv(), TIMEOUT))
                if kinds or message["type"] == "data":  # counted from the first beat
                    kinds.append(message["type"])
    between = kinds[1:-1]
    assert set(between) <= {"ka"}, kinds
    assert len(between) < 20, len(between)


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_connection_inits_draw_on_the_query_budget(
    backend: Backend, tmp_path: Path, protocol: str
) -> None:
    """Connecting and initialising in a loop holds one connection at a time, so the
    connection limits never bite, yet each `connection_init` loads the player: it is an
    operation of the caller's budget; over it the connection is refused (graphql-ws is
    told RATE_LIMITED), and another player still connects."""
    budget = {
        "QUERY_BUDGET_PER_SECOND_PER_PLAYER": "3",
        "QUERY_BUDGET_PER_SECOND_PER_ADDRESS": "1000",
    }
    with start_server(backend, tmp_path, **budget) as running:
        token = (await signup_player(running.url))["accessToken"]
        other = (await signup_player(running.url))["accessToken"]
        answers = []
        for _ in range(8):
            async with connected(running.url, token, protocol) as (_, answer):
                answers.append(answer)
        async with connected(running.url, other, protocol) as (_, honest):
            assert honest["type"] == "connection_ack"
    kinds = [answer["type"] for answer in answers]
    assert kinds[0] == "connection_ack"
    refused = [answer for answer in answers if answer["type"] != "connection_ack"]
    assert refused, kinds
    if protocol == LEGACY_WS:
        assert {answer["payload"]["code"] for answer in refused} == {"RATE_LIMITED"}
    else:
        assert {(answer["code"], answer["reason"]) for answer in refused} == {
            (4403, "Too many requests; retry shortly")
        }


@pytest.mark.parametrize("backend", REDIS_BACKENDS, indirect=True)
async def test_a_players_connections_are_counted_across_instances(
    backend: Backend, tmp_path: Path
) -> None:
    """Behind a balancer a player's connections land on several instances: the limit is
    one count in Redis, not one per instance."""
    limits = {"WS_MAX_CONNECTIONS_PER_PLAYER": "2"}
    with (
        start_server(backend, tmp_path, **limits) as first,
        start_server(backend, tmp_path, **limits) as second,
    ):
        token = (await signup_player(first.url))["accessToken"]
        async with (
            connected(first.url, token) as (_, one),
            connected(second.url, token, LEGACY_WS) as (_, two),
        ):
            assert one["type"] == two["type"] == "connection_ack"
            for url in (first.url, second.url):
                async with connected(url, token) as (_, refused):
                    assert (refused["type"], refused["code"]) == ("closed", 4429)
        assert await eventually_accepted(second.url, token)
