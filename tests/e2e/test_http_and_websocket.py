"""End to end: a real uvicorn process, the `gql` client over HTTP and both WebSocket protocols."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import httpx
import pytest
import websockets
from gql import Client, GraphQLRequest, gql
from gql.transport.aiohttp import AIOHTTPTransport
from gql.transport.exceptions import TransportQueryError
from gql.transport.websockets import WebsocketsTransport

from tests.support import PASSWORD, unique_site_id

pytestmark = pytest.mark.e2e

TIMEOUT = 15

SIGNUP = gql(
    """
    mutation Signup($input: SignupInput!) {
      signup(input: $input) {
        __typename
        ... on AuthPayload { accessToken refreshToken user { id siteId gold } }
        ... on UserError { code message }
      }
    }
    """
)
LOGIN = gql(
    """
    mutation Login($input: LoginInput!) {
      login(input: $input) { __typename ... on AuthPayload { accessToken user { id } } }
    }
    """
)
ME = gql("query Me { me { id siteId nickname gold rank level } }")
HEARTBEAT = gql("subscription Beat { heartbeat(intervalSeconds: 1) { at userId nickname } }")


def http_client(base_url: str, token: str | None = None) -> Client:
    headers = {"Authorization": f"Bearer {token}"} if token else None
    return Client(
        transport=AIOHTTPTransport(url=f"{base_url}/graphql", headers=headers),
        execute_timeout=TIMEOUT,
    )


def ws_url(base_url: str) -> str:
    return base_url.replace("http://", "ws://") + "/graphql"


async def signup_player(base_url: str) -> dict[str, Any]:
    site_id = unique_site_id("e2e")
    variables = {
        "input": {
            "siteId": site_id,
            "nickname": f"e{uuid.uuid4().hex[:8]}",
            "password": PASSWORD,
            "inviteCode": "5858",
        }
    }
    async with http_client(base_url) as session:
        result = await session.execute(GraphQLRequest(SIGNUP, variable_values=variables))
    payload: dict[str, Any] = result["signup"]
    assert payload["__typename"] == "AuthPayload", payload
    return payload


async def test_signup_login_me_over_http(server: str) -> None:
    player = await signup_player(server)
    site_id = player["user"]["siteId"]
    async with http_client(server) as session:
        credentials = {"input": {"siteId": site_id, "password": PASSWORD}}
        login = await session.execute(GraphQLRequest(LOGIN, variable_values=credentials))
    assert login["login"]["__typename"] == "AuthPayload"
    async with http_client(server, login["login"]["accessToken"]) as session:
        me = (await session.execute(ME))["me"]
    assert (me["siteId"], me["gold"], me["rank"], me["level"]) == (site_id, 1000, "STANDARD", 1)


async def test_unauthenticated_me_over_http_is_a_typed_error(server: str) -> None:
    async with http_client(server) as session:
        with pytest.raises(TransportQueryError) as caught:
            await session.execute(ME)
    assert caught.value.errors is not None
    assert caught.value.errors[0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize(
    "protocol",
    [WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL, WebsocketsTransport.APOLLO_SUBPROTOCOL],
)
async def test_authenticated_subscription_with_token_in_connection_init(
    server: str, protocol: str
) -> None:
    player = await signup_player(server)
    transport = WebsocketsTransport(
        url=ws_url(server),
        init_payload={"authorization": f"Bearer {player['accessToken']}"},
        subprotocols=[protocol],
    )
    beats: list[dict[str, Any]] = []
    async with Client(transport=transport) as session:

        async def collect() -> None:
            async for result in session.subscribe(HEARTBEAT):
                beats.append(result["heartbeat"])
                if len(beats) == 2:
                    return

        await asyncio.wait_for(collect(), TIMEOUT)
        assert transport.subprotocol == protocol  # the server spoke the protocol asked for
    assert [beat["userId"] for beat in beats] == [player["user"]["id"]] * 2
    assert beats[0]["at"] <= beats[1]["at"]


async def test_websocket_with_a_forged_token_is_rejected(server: str) -> None:
    async with websockets.connect(ws_url(server), subprotocols=["graphql-transport-ws"]) as socket:  # type: ignore[list-item]
        await socket.send(
            json.dumps({"type": "connection_init", "payload": {"authorization": "Bearer a.b.c"}})
        )
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(socket.recv(), TIMEOUT)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403


async def test_legacy_protocol_reports_connection_error_for_a_forged_token(server: str) -> None:
    async with websockets.connect(ws_url(server), subprotocols=["graphql-ws"]) as socket:  # type: ignore[list-item]
        await socket.send(
            json.dumps({"type": "connection_init", "payload": {"authorization": "Bearer a.b.c"}})
        )
        message = json.loads(await asyncio.wait_for(socket.recv(), TIMEOUT))
    assert message["type"] == "connection_error"


async def test_subscription_ends_when_the_session_logs_out(server: str) -> None:
    player = await signup_player(server)
    transport = WebsocketsTransport(
        url=ws_url(server),
        init_payload={"authorization": f"Bearer {player['accessToken']}"},
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
    )
    async with Client(transport=transport) as session:

        async def follow() -> list[str]:
            seen: list[str] = []
            async for result in session.subscribe(HEARTBEAT):
                seen.append(result["heartbeat"]["userId"])
                if len(seen) == 1:
                    async with http_client(server, player["accessToken"]) as http:
                        await http.execute(gql("mutation { logout(input: {}) { __typename } }"))
            return seen

        with pytest.raises(TransportQueryError) as caught:
            await asyncio.wait_for(follow(), TIMEOUT)
    assert caught.value.errors is not None
    assert caught.value.errors[0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_health_and_metrics_over_http(server: str) -> None:
    async with httpx.AsyncClient(base_url=server, timeout=TIMEOUT) as client:
        health = await client.get("/health")
        assert health.status_code == 200
        assert health.json()["database"] == "ok"
        assert health.headers["x-request-id"]
        metrics = await client.get("/metrics")
    assert metrics.status_code == 200
    assert "graphql_requests_total" in metrics.text
