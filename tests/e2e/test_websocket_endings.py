"""End to end (SPEC §12.1, §10; issue 26): however a WebSocket or a subscription ends,
a client can show why. Real clients (`websockets`, speaking each protocol's frames)
against a real server, on both protocols.

- A connection the server refuses closes with a reason: a page on another origin (4403),
  a bad token in `connection_init` (4403; graphql-ws is told in `connection_error`
  first, with its code), an init payload that is not an object (4400).
- A subscription whose session ends — logout, logoutAll, a reused refresh token, a ban,
  a newer login beyond MAX_SESSIONS_PER_PLAYER, an access token past its time — ends
  with the protocol's `error` message saying why (UNAUTHENTICATED, `extensions.reason`),
  and no `complete` after it: a client's subscription fails, it does not quietly finish.
- An operation that ends by itself still completes (`next`… then `complete`), and a
  field's error still arrives in a `next`.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from websockets.asyncio.client import ClientConnection

from casino_club.live.ws_handlers import MAX_REASON_BYTES
from tests.conftest import Backend
from tests.e2e.conftest import start_server
from tests.e2e.test_crash_live import BET, CASHOUT
from tests.e2e.test_http_and_websocket import TIMEOUT, signup_player, ws_url
from tests.e2e.test_live_and_money import post
from tests.e2e.test_notifications_and_monitor import admin_token
from tests.support import LOGIN, ME, PASSWORD

pytestmark = pytest.mark.e2e

TRANSPORT = "graphql-transport-ws"
LEGACY = "graphql-ws"
PROTOCOLS = [TRANSPORT, LEGACY]

HEARTBEAT = "subscription { heartbeat(intervalSeconds: 1) { userId } }"
BALANCE = "subscription { balanceChanged { gold delta } }"
FOLLOW = "subscription F($id: ID!) { crashRound(roundId: $id) { kind roundId } }"
LOGOUT = "mutation { logout(input: {}) { __typename } }"
LOGOUT_ALL = "mutation { logoutAll(input: {}) { __typename } }"
REFRESH = """mutation R($input: RefreshTokensInput!) { refreshTokens(input: $input) {
  __typename } }"""
BAN = """mutation B($input: SetUserBannedInput!) { setUserBanned(input: $input) {
  __typename } }"""
ADJUST = """mutation A($input: AdjustGoldInput!) { adjustGold(input: $input) {
  __typename } }"""


async def receive(socket: ClientConnection) -> dict[str, Any]:
    """The next message that is not a keep-alive."""
    while True:
        message: dict[str, Any] = json.loads(await asyncio.wait_for(socket.recv(), TIMEOUT))
        if message["type"] not in ("ka", "ping", "pong"):
            return message


async def read_until_closed(socket: ClientConnection) -> None:
    while True:
        await receive(socket)


async def closed_with(socket: ClientConnection) -> tuple[int, str]:
    """The close frame the server sends next (whatever messages come before it)."""
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await read_until_closed(socket)
    frame = closed.value.rcvd
    assert frame is not None, "the server dropped the socket without a close frame"
    return frame.code, frame.reason


async def initialised(socket: ClientConnection, token: str | None) -> None:
    payload = {} if token is None else {"authorization": f"Bearer {token}"}
    await socket.send(json.dumps({"type": "connection_init", "payload": payload}))
    assert (await receive(socket))["type"] == "connection_ack"


async def start(
    socket: ClientConnection,
    protocol: str,
    operation_id: str,
    query: str,
    variables: dict[str, Any] | None = None,
) -> None:
    kind = "subscribe" if protocol == TRANSPORT else "start"
    payload = {"query": query, "variables": variables}
    await socket.send(json.dumps({"id": operation_id, "type": kind, "payload": payload}))


async def about(socket: ClientConnection, operation_id: str) -> dict[str, Any]:
    """The next message about the operation; any about another one fails the test."""
    message = await receive(socket)
    assert message.get("id") == operation_id, message
    return message


def data_of(message: dict[str, Any]) -> dict[str, Any]:
    assert message["type"] in ("next", "data"), message
    assert "errors" not in message["payload"], message
    data: dict[str, Any] = message["payload"]["data"]
    return data


def error_of(protocol: str, message: dict[str, Any]) -> dict[str, Any]:
    """The one error of an `error` message: graphql-transport-ws sends a list of them,
    graphql-ws one."""
    assert message["type"] == "error", message
    payload = message["payload"]
    if protocol == TRANSPORT:
        assert len(payload) == 1, payload
        payload = payload[0]
    error: dict[str, Any] = payload
    return error


async def nothing_more_about(socket: ClientConnection, protocol: str, operation_id: str) -> None:
    """No message about the operation follows (no `complete` after its `error`): a query
    started after it is answered, and nothing about the operation comes first."""
    await start(socket, protocol, "after", "{ __typename }")
    while True:
        message = await receive(socket)
        assert message.get("id") != operation_id, message
        if message.get("id") == "after" and message["type"] in ("complete", "error"):
            return


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize(
    "origin", ["https://elsewhere.example", "https://" + "a" * 150 + ".example"]
)
async def test_a_page_on_a_refused_origin_is_closed_with_4403_and_a_reason(
    server: str, protocol: str, origin: str
) -> None:
    async with websockets.connect(
        ws_url(server),
        subprotocols=[protocol],  # type: ignore[list-item]
        origin=origin,  # type: ignore[arg-type]
    ) as socket:
        assert socket.subprotocol == protocol  # what a browser requires to accept it
        code, reason = await closed_with(socket)
    assert code == 4403
    expected = f"Origin not allowed (ALLOWED_ORIGINS): {origin}"
    assert len(reason.encode()) <= MAX_REASON_BYTES
    assert reason == expected.encode()[:MAX_REASON_BYTES].decode()


async def test_a_client_with_no_origin_or_its_own_is_still_accepted(server: str) -> None:
    for origin in (None, server):
        async with websockets.connect(
            ws_url(server),
            subprotocols=[TRANSPORT],  # type: ignore[list-item]
            origin=origin,  # type: ignore[arg-type]
        ) as socket:
            await initialised(socket, None)


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize(
    ("payload", "code", "reason", "error_code"),
    [
        (
            {"authorization": "Bearer a.b.c"},
            4403,
            "Authentication failed: invalid or expired token",
            "UNAUTHENTICATED",
        ),
        (
            {"authorization": "Basic a.b.c"},
            4403,
            "Authentication failed: authorization must be 'Bearer <token>'",
            "UNAUTHENTICATED",
        ),
        ([1, 2], 4400, "Invalid connection init payload", "BAD_REQUEST"),
    ],
    ids=["forged token", "not a bearer token", "payload not an object"],
)
async def test_a_refused_connection_init_closes_with_the_reason(
    server: str, protocol: str, payload: object, code: int, reason: str, error_code: str
) -> None:
    async with websockets.connect(ws_url(server), subprotocols=[protocol]) as socket:  # type: ignore[list-item]
        await socket.send(json.dumps({"type": "connection_init", "payload": payload}))
        if protocol == LEGACY:  # its clients read connection_error, not the close frame
            refusal = await receive(socket)
            assert refusal == {
                "type": "connection_error",
                "payload": {"message": reason, "code": error_code},
            }
        closed = await closed_with(socket)
    assert closed == (code, reason)


async def end_session(http: httpx.AsyncClient, player: dict[str, Any], how: str) -> None:
    """Log out, log out everywhere, or present a refresh token twice (reuse: every
    session of the player is revoked)."""
    if how == "REFRESH_REUSE":
        refresh = {"input": {"refreshToken": player["refreshToken"]}}
        for _ in range(2):
            await http.post("/graphql", json={"query": REFRESH, "variables": refresh})
        return
    mutation = LOGOUT if how == "LOGOUT" else LOGOUT_ALL
    assert (await post(http, mutation, player["accessToken"])) is not None


async def ended_with(socket: ClientConnection, protocol: str, operation_id: str) -> dict[str, Any]:
    """The error an operation ends with, past the results sent before it."""
    while (message := await about(socket, operation_id))["type"] in ("next", "data"):
        pass  # e.g. a beat already under way when the session ended
    return error_of(protocol, message)


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize(
    ("how", "explanation"),
    [
        ("LOGOUT", "logged out"),
        ("LOGOUT_ALL", "logged out on every device"),
        ("REFRESH_REUSE", "a refresh token was used twice, so every session was revoked"),
    ],
)
async def test_a_subscription_ends_with_an_error_naming_the_logout(
    server: str, protocol: str, how: str, explanation: str
) -> None:
    player = await signup_player(server)
    async with (
        httpx.AsyncClient(base_url=server, timeout=TIMEOUT) as http,
        websockets.connect(ws_url(server), subprotocols=[protocol]) as socket,  # type: ignore[list-item]
    ):
        await initialised(socket, player["accessToken"])
        await start(socket, protocol, "beats", HEARTBEAT)
        assert data_of(await about(socket, "beats"))["heartbeat"]["userId"] == player["user"]["id"]
        await end_session(http, player, how)
        error = await ended_with(socket, protocol, "beats")
        assert error["message"] == f"Your session ended: {explanation}"
        assert error["extensions"] == {"code": "UNAUTHENTICATED", "reason": how}
        await nothing_more_about(socket, protocol, "beats")


async def test_a_subscription_outliving_its_access_token_says_so(
    backend: Backend, tmp_path: Path
) -> None:
    """A connection authenticates once; its subscriptions end when the access token
    they run under expires, telling the client to reconnect with a fresh one."""
    with start_server(backend, tmp_path, ACCESS_TOKEN_TTL_SECONDS="3") as running:
        player = await signup_player(running.url)
        async with websockets.connect(ws_url(running.url), subprotocols=[TRANSPORT]) as socket:  # type: ignore[list-item]
            await initialised(socket, player["accessToken"])
            await start(socket, TRANSPORT, "beats", HEARTBEAT)
            error = await ended_with(socket, TRANSPORT, "beats")
    assert error["message"] == (
        "Your session ended: signed in too long ago; reconnect with a fresh access token"
    )
    assert error["extensions"] == {"code": "UNAUTHENTICATED", "reason": "EXPIRED"}


async def test_a_login_beyond_the_session_limit_ends_the_oldest_sessions_feed(
    backend: Backend, tmp_path: Path
) -> None:
    """MAX_SESSIONS_PER_PLAYER=1 (one device): logging in elsewhere ends the first
    session, and its subscription says so; the new session works."""
    with start_server(backend, tmp_path, MAX_SESSIONS_PER_PLAYER="1") as running:
        player = await signup_player(running.url)
        async with (
            httpx.AsyncClient(base_url=running.url, timeout=TIMEOUT) as http,
            websockets.connect(ws_url(running.url), subprotocols=[TRANSPORT]) as socket,  # type: ignore[list-item]
        ):
            await initialised(socket, player["accessToken"])
            await start(socket, TRANSPORT, "beats", HEARTBEAT)
            assert data_of(await about(socket, "beats"))["heartbeat"]
            login = {"siteId": player["user"]["siteId"], "password": PASSWORD}
            answer = await http.post(
                "/graphql", json={"query": LOGIN, "variables": {"input": login}}
            )
            newer = answer.json()["data"]["login"]
            error = await ended_with(socket, TRANSPORT, "beats")
            assert await post(http, ME, newer["accessToken"]) is not None
    assert error["message"] == (
        "Your session ended: a newer login took this session's place "
        "(a player may keep only so many sessions at once)"
    )
    assert error["extensions"] == {"code": "UNAUTHENTICATED", "reason": "SESSION_LIMIT"}


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_feed_ends_with_an_error_naming_the_ban(
    server: str, backend: Backend, protocol: str
) -> None:
    """balanceChanged checks the session on each event: an operator's grant after the
    ban is the event on which it ends, saying the account is banned."""
    player = await signup_player(server)
    user_id = player["user"]["id"]

    async def grant(http: httpx.AsyncClient, admin: str) -> None:
        values = {
            "userId": user_id,
            "amount": 5,
            "reason": "test",
            "idempotencyKey": uuid.uuid4().hex,
        }
        adjusted = await post(http, ADJUST, admin, {"input": values})
        assert adjusted["adjustGold"]["__typename"] == "GoldAdjusted", adjusted

    async with (
        httpx.AsyncClient(base_url=server, timeout=TIMEOUT) as http,
        websockets.connect(ws_url(server), subprotocols=[protocol]) as socket,  # type: ignore[list-item]
    ):
        admin = await admin_token(http, backend)
        await initialised(socket, player["accessToken"])
        await start(socket, protocol, "balance", BALANCE)
        # Until the subscription is live, a grant may come before it: grant until seen.
        first: dict[str, Any] | None = None
        for _ in range(20):
            await grant(http, admin)
            try:
                first = await asyncio.wait_for(about(socket, "balance"), 0.5)
                break
            except TimeoutError:
                continue
        assert first is not None, "no balance change delivered"
        assert data_of(first)["balanceChanged"]["delta"] == 5
        banned = await post(http, BAN, admin, {"input": {"userId": user_id, "banned": True}})
        assert banned["setUserBanned"]["__typename"] == "UserUpdated", banned
        await grant(http, admin)
        error = await ended_with(socket, protocol, "balance")  # past late first grants
        assert error["message"] == "Your session ended: account banned"
        assert error["extensions"] == {"code": "UNAUTHENTICATED", "reason": "BANNED"}
        await nothing_more_about(socket, protocol, "balance")


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_subscription_that_ends_by_itself_still_completes(
    server: str, protocol: str
) -> None:
    """A followed round that is over gives how it ended, then `complete`; an unknown
    round is refused with `error`, and nothing after it."""
    player = await signup_player(server)
    token = player["accessToken"]
    async with (
        httpx.AsyncClient(base_url=server, timeout=TIMEOUT) as http,
        websockets.connect(ws_url(server), subprotocols=[protocol]) as socket,  # type: ignore[list-item]
    ):
        placed = (await post(http, BET, token, {"input": {"stake": 10}}))["crashBet"]
        round_id = placed["round"]["id"]
        await post(http, CASHOUT, token, {"input": {"roundId": round_id}})
        await initialised(socket, token)

        await start(socket, protocol, "round", FOLLOW, {"id": round_id})
        final = data_of(await about(socket, "round"))["crashRound"]
        assert (final["roundId"], final["kind"] in ("CASHED_OUT", "CRASHED")) == (round_id, True)
        assert (await about(socket, "round"))["type"] == "complete"

        await start(socket, protocol, "unknown", FOLLOW, {"id": "999999999"})
        error = error_of(protocol, await about(socket, "unknown"))
        assert error["extensions"]["code"] == "ROUND_NOT_FOUND"
        await nothing_more_about(socket, protocol, "unknown")


async def test_a_field_error_is_still_a_result(server: str) -> None:
    """Only an operation that failed as a whole is an `error`: a field's error (`me`
    without a token; it nulls the whole data) is a result (`next`), then `complete`.
    (graphql-ws serves subscriptions only.)"""
    async with websockets.connect(ws_url(server), subprotocols=[TRANSPORT]) as socket:  # type: ignore[list-item]
        await initialised(socket, None)
        await start(socket, TRANSPORT, "me", "{ me { id } }")
        answer = await about(socket, "me")
        assert answer["type"] == "next", answer
        assert answer["payload"]["data"] is None
        assert [e["extensions"]["code"] for e in answer["payload"]["errors"]] == ["UNAUTHENTICATED"]
        assert (await about(socket, "me"))["type"] == "complete"


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_server_stopping_closes_its_websockets_with_a_reason(
    backend: Backend, tmp_path: Path, protocol: str
) -> None:
    with start_server(backend, tmp_path) as running:
        player = await signup_player(running.url)
        async with websockets.connect(ws_url(running.url), subprotocols=[protocol]) as socket:  # type: ignore[list-item]
            await initialised(socket, player["accessToken"])
            await start(socket, protocol, "beats", HEARTBEAT)
            assert data_of(await about(socket, "beats"))["heartbeat"]
            running.process.terminate()  # SIGTERM: uvicorn's graceful shutdown
            closed = await closed_with(socket)
    assert closed == (1012, "The server is restarting; reconnect")
