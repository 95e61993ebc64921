"""End to end: live balance events and money under real concurrent HTTP load."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
from gql import Client, GraphQLRequest, gql
from gql.transport.websockets import WebsocketsTransport

from tests.conftest import Backend
from tests.e2e.conftest import start_server
from tests.e2e.listeners import Listener
from tests.e2e.listeners import listening as listening_to
from tests.e2e.test_http_and_websocket import TIMEOUT, signup_player, ws_url
from tests.support import SPIN

pytestmark = pytest.mark.e2e

BALANCE = gql("subscription { balanceChanged { gold delta reason at } }")
LEDGER = """query L($after: String) { me { gold ledger(first: 100, after: $after) {
  edges { node { amount balanceAfter reason } } pageInfo { hasNextPage endCursor } } } }"""


async def post(
    client: httpx.AsyncClient, query: str, token: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    response = await client.post(
        "/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


async def whole_ledger(client: httpx.AsyncClient, token: str) -> tuple[int, list[dict[str, Any]]]:
    """(gold, every ledger row oldest first), following the cursor."""
    rows: list[dict[str, Any]] = []
    after = None
    while True:
        me = (await post(client, LEDGER, token, {"after": after}))["me"]
        rows.extend(edge["node"] for edge in me["ledger"]["edges"])
        if not me["ledger"]["pageInfo"]["hasNextPage"]:
            return me["gold"], rows[::-1]
        after = me["ledger"]["pageInfo"]["endCursor"]


def listening(base_url: str, token: str) -> contextlib.AbstractAsyncContextManager[Listener]:
    """A WebSocket subscribed to `balanceChanged` as `token`'s player."""
    return listening_to(base_url, token, GraphQLRequest(BALANCE), "balanceChanged")


async def test_balance_changed_delivers_exactly_the_callers_spins(server: str) -> None:
    alice, bob = await signup_player(server), await signup_player(server)
    async with (
        listening(server, alice["accessToken"]) as listener,
        httpx.AsyncClient(base_url=server, timeout=TIMEOUT) as http,
    ):
        received = listener.received
        # The server subscribes asynchronously: spin until the first event arrives.
        for _ in range(50):
            await post(http, SPIN, bob["accessToken"], {"input": {"stake": 20}})
            await post(http, SPIN, alice["accessToken"], {"input": {"stake": 10}})
            await asyncio.sleep(0.1)
            if received:
                break
        assert received, "no balanceChanged event arrived"
        for _ in range(3):
            await post(http, SPIN, bob["accessToken"], {"input": {"stake": 20}})
            last = (await post(http, SPIN, alice["accessToken"], {"input": {"stake": 10}}))[
                "slotSpin"
            ]
        await listener.until_gold(last["balance"])
        await asyncio.sleep(0.2)  # anything else would arrive now, and fail the check below
        gold, rows = await whole_ledger(http, alice["accessToken"])
    tail = rows[-len(received) :]
    assert [(e["delta"], e["gold"], e["reason"]) for e in received] == [
        (r["amount"], r["balanceAfter"], r["reason"]) for r in tail
    ]
    assert received[-1]["gold"] == gold
    assert {e["reason"] for e in received} <= {"SLOT_BET", "SLOT_WIN"}


async def test_two_hundred_concurrent_spins_with_gold_for_one_hundred(
    backend: Backend, tmp_path: Path
) -> None:
    """SPEC §13 over real HTTP. The paytable here never pays, so 1,000 gold buys exactly
    100 spins of 10 whatever the reels show; the rate limit is lifted to expose the race."""
    never_pays = {
        "SLOT_TRIPLE_PAYS": json.dumps(
            dict.fromkeys(["CHERRY", "LEMON", "ORANGE", "BELL", "STAR", "DIAMOND", "SEVEN"], 0)
        ),
        "SLOT_CHERRY_PAIR_PAYS": "0",
        "GAME_RATE_LIMIT_PER_SECOND": "100000",
    }
    with start_server(backend, tmp_path, **never_pays) as running:
        url = running.url
        player = await signup_player(url)
        token = player["accessToken"]
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
        async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as http:
            results = await asyncio.gather(
                *(post(http, SPIN, token, {"input": {"stake": 10}}) for _ in range(200))
            )
            gold, rows = await whole_ledger(http, token)
    outcomes = Counter(r["slotSpin"]["__typename"] for r in results)
    assert outcomes == {"SlotSpinSuccess": 100, "InsufficientFunds": 100}
    nonces = sorted(
        r["slotSpin"]["fairness"]["nonce"]
        for r in results
        if r["slotSpin"]["__typename"] == "SlotSpinSuccess"
    )
    assert nonces == list(range(100))
    assert gold == 0
    amounts = [row["amount"] for row in rows]
    assert sum(amounts) == gold
    assert Counter(amounts) == {-10: 100, 1000: 1}


GAME_EVENTS = gql("subscription { gameEvents { type roundId at data } }")


async def test_game_events_describe_the_callers_spins(server: str) -> None:
    player = await signup_player(server)
    transport = WebsocketsTransport(
        url=ws_url(server),
        init_payload={"authorization": f"Bearer {player['accessToken']}"},
        subprotocols=[WebsocketsTransport.APOLLO_SUBPROTOCOL],
    )
    received: list[dict[str, Any]] = []
    arrived = asyncio.Event()
    spins: dict[str, dict[str, Any]] = {}
    async with (
        Client(transport=transport) as ws,
        httpx.AsyncClient(base_url=server, timeout=TIMEOUT) as http,
    ):

        async def listen() -> None:
            async for result in ws.subscribe(GAME_EVENTS):
                received.append(result["gameEvents"])
                arrived.set()

        listener = asyncio.create_task(listen())
        try:
            async with asyncio.timeout(TIMEOUT):
                while not received:
                    spin = await post(http, SPIN, player["accessToken"], {"input": {"stake": 10}})
                    spins[spin["slotSpin"]["roundId"]] = spin["slotSpin"]
                    arrived.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(arrived.wait(), 0.2)
        finally:
            listener.cancel()
    event = received[0]
    assert event["type"] == "SLOT_SPIN"
    spin = spins[event["roundId"]]
    assert event["data"]["reels"] == spin["reels"]
    assert (event["data"]["stake"], event["data"]["payout"]) == (10, spin["payout"])
