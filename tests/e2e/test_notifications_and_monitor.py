"""End to end (SPEC §10): operators' notifications delivered live to the right players and
given back after a reconnection with `since`; the operators' monitor starts with the
newest events and goes on live; players cannot watch it."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from gql import Client, GraphQLRequest, gql
from gql.transport.exceptions import TransportQueryError
from gql.transport.websockets import WebsocketsTransport

from tests.conftest import ADMIN_PASSWORD, Backend
from tests.e2e.listeners import having, listening
from tests.e2e.test_http_and_websocket import TIMEOUT, signup_player, ws_url
from tests.e2e.test_live_and_money import post
from tests.support import SPIN, row_id

pytestmark = pytest.mark.e2e

NOTIFICATIONS = gql(
    "subscription N($since: ID) { notifications(since: $since) { id title broadcast } }"
)
MONITOR = gql("subscription { monitorEvents { id userId type roundId data } }")
SEND = """mutation S($input: SendNotificationInput!) { sendNotification(input: $input) {
  __typename ... on NotificationSent { notification { id } } } }"""
LOGIN = """mutation L($input: LoginInput!) { login(input: $input) {
  __typename ... on AuthPayload { accessToken } } }"""


async def admin_token(http: httpx.AsyncClient, backend: Backend) -> str:
    variables = {"input": {"siteId": backend.settings().admin_site_id, "password": ADMIN_PASSWORD}}
    answer = (await http.post("/graphql", json={"query": LOGIN, "variables": variables})).json()
    token: str = answer["data"]["login"]["accessToken"]
    return token


async def test_notifications_reach_the_right_players_and_come_back_with_since(
    server: str, backend: Backend
) -> None:
    alice, bob = await signup_player(server), await signup_player(server)
    async with httpx.AsyncClient(base_url=server, timeout=TIMEOUT) as http:
        admin = await admin_token(http, backend)

        async def send(title: str, to: dict[str, Any] | None = None) -> str:
            values: dict[str, Any] = {"title": title, "body": "b"}
            if to is not None:
                values["userId"] = to["user"]["id"]
            sent = await post(http, SEND, admin, {"input": values})
            notification_id: str = sent["sendNotification"]["notification"]["id"]
            return notification_id

        def titled(title: str) -> Any:
            return having(lambda item: item["title"] == title)

        fresh = GraphQLRequest(NOTIFICATIONS, variable_values={"since": None})
        async with (
            listening(server, alice["accessToken"], fresh, "notifications") as heard_by_alice,
            listening(server, bob["accessToken"], fresh, "notifications") as heard_by_bob,
        ):
            # Live once each has heard a note of its own (the server subscribes a moment
            # after the socket opens).
            for who, listener in (("alice", heard_by_alice), ("bob", heard_by_bob)):
                for k in range(50):
                    await send(f"ping {who} {k}", alice if who == "alice" else bob)
                    if await listener.until(titled(f"ping {who} {k}"), within=0.2):
                        break
            await send("to everyone 1")
            last_seen = await send("to alice 2", alice)
            assert await heard_by_alice.until(titled("to alice 2"))
            assert await heard_by_bob.until(titled("to everyone 1"))
            await asyncio.sleep(0.2)
        assert [i["title"] for i in heard_by_alice.received[-2:]] == ["to everyone 1", "to alice 2"]
        assert "to alice 2" not in [i["title"] for i in heard_by_bob.received]
        assert not any(i["title"].startswith("ping alice") for i in heard_by_bob.received)

        # Away, then back with the last id seen.
        await send("to alice 3", alice)
        await send("to everyone 4")
        await send("to bob 5", bob)
        resumed = GraphQLRequest(NOTIFICATIONS, variable_values={"since": last_seen})
        async with listening(server, alice["accessToken"], resumed, "notifications") as back:
            assert await back.until(titled("to everyone 4"))
            live = await send("to alice 6", alice)
            assert await back.until(titled("to alice 6"))
            await asyncio.sleep(0.2)
        assert [i["title"] for i in back.received] == ["to alice 3", "to everyone 4", "to alice 6"]
        assert back.received[-1]["id"] == live
        ids = [row_id(i["id"]) for i in back.received]
        assert ids == sorted(ids) and ids[0] > int(last_seen)


async def test_the_monitor_shows_the_newest_events_then_live_and_only_to_operators(
    server: str, backend: Backend
) -> None:
    player = await signup_player(server)
    token = player["accessToken"]
    async with httpx.AsyncClient(base_url=server, timeout=TIMEOUT) as http:
        admin = await admin_token(http, backend)
        earlier = [
            (await post(http, SPIN, token, {"input": {"stake": 10}}))["slotSpin"]["roundId"]
            for _ in range(3)
        ]

        def spin_of(round_id: str) -> Any:
            return having(lambda item: item["type"] == "SLOT_SPIN" and item["roundId"] == round_id)

        async with listening(server, admin, GraphQLRequest(MONITOR), "monitorEvents") as monitor:
            assert await monitor.until(spin_of(earlier[-1]))
            snapshot = list(monitor.received)
            later = (await post(http, SPIN, token, {"input": {"stake": 10}}))["slotSpin"]["roundId"]
            assert await monitor.until(spin_of(later))
        assert len(snapshot) <= 200
        mine = [i for i in monitor.received if i["userId"] == player["user"]["id"]]
        assert [i["roundId"] for i in mine if i["type"] == "SLOT_SPIN"] == [*earlier, later]
        ids = [tuple(int(p) for p in i["id"].split("-")) for i in monitor.received]
        assert ids == sorted(ids) and len(set(ids)) == len(ids)

    transport = WebsocketsTransport(
        url=ws_url(server),
        init_payload={"authorization": f"Bearer {token}"},
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
    )
    async with Client(transport=transport) as ws:
        with pytest.raises(TransportQueryError) as refused:
            async with asyncio.timeout(TIMEOUT):
                await anext(ws.subscribe(GraphQLRequest(MONITOR)))
    assert refused.value.errors is not None
    assert refused.value.errors[0]["extensions"]["code"] == "FORBIDDEN"
