"""A page on another origin may call /graphql when `ALLOWED_ORIGINS` lists it (SPEC §4.2,
§12.1): preflight answered, `Authorization` allowed, `X-Request-ID` readable; the same
list decides its WebSocket handshake. A real uvicorn process answers; the browser-level
proof is tests/e2e/test_browser.py."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
import websockets
from websockets.typing import Origin, Subprotocol

from tests.conftest import Backend
from tests.e2e.conftest import start_server
from tests.e2e.test_http_and_websocket import TIMEOUT, ws_url

pytestmark = pytest.mark.e2e

ALLOWED = "http://app.example:3000"
FOREIGN = "http://evil.example"
QUERY = {"query": "{ __typename }"}
PROTOCOL = Subprotocol("graphql-transport-ws")


@pytest.fixture(scope="module")
def server(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with start_server(
        backend, tmp_path_factory.mktemp("cors"), ALLOWED_ORIGINS=json.dumps([ALLOWED])
    ) as running:
        yield running.url


def preflight(server: str, origin: str) -> httpx.Response:
    return httpx.options(
        f"{server}/graphql",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type, x-request-id",
        },
        timeout=TIMEOUT,
    )


def test_a_preflight_from_an_allowed_origin_is_answered(server: str) -> None:
    response = preflight(server, ALLOWED)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ALLOWED
    allowed_headers = response.headers["access-control-allow-headers"].lower()
    for header in ("authorization", "content-type", "x-request-id"):
        assert header in allowed_headers
    assert "POST" in response.headers["access-control-allow-methods"]
    assert "access-control-allow-credentials" not in response.headers


def test_a_preflight_from_another_origin_is_refused(server: str) -> None:
    response = preflight(server, FOREIGN)
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


def test_an_allowed_origin_reads_the_answer_and_its_request_id(server: str) -> None:
    response = httpx.post(
        f"{server}/graphql", json=QUERY, headers={"Origin": ALLOWED}, timeout=TIMEOUT
    )
    assert response.json() == {"data": {"__typename": "Query"}}
    assert response.headers["access-control-allow-origin"] == ALLOWED
    assert "x-request-id" in response.headers["access-control-expose-headers"].lower()
    assert response.headers["x-request-id"]


def test_another_origin_gets_no_cors_headers(server: str) -> None:
    response = httpx.post(
        f"{server}/graphql", json=QUERY, headers={"Origin": FOREIGN}, timeout=TIMEOUT
    )
    assert "access-control-allow-origin" not in response.headers


async def test_the_same_list_decides_the_websocket_handshake(server: str) -> None:
    async with websockets.connect(
        ws_url(server), subprotocols=[PROTOCOL], origin=Origin(ALLOWED)
    ) as socket:
        await socket.send(json.dumps({"type": "connection_init"}))
        assert json.loads(await socket.recv())["type"] == "connection_ack"
    async with websockets.connect(
        ws_url(server), subprotocols=[PROTOCOL], origin=Origin(FOREIGN)
    ) as socket:
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await socket.recv()
    assert closed.value.rcvd is not None
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (
        4403,
        f"Origin not allowed (ALLOWED_ORIGINS): {FOREIGN}",
    )
