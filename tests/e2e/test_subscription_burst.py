"""End to end: subscriptions that all begin in the same instant on a freshly started
server each receive their events, once and in order (issue 13: before the event bus was
rebuilt, 62 of 300 subscribers of a reconnect burst heard nothing, and one client opening
`balanceChanged` and `gameEvents` together lost one of them on every fresh start)."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from pathlib import Path
from typing import Any

import httpx
import pytest
from gql import Client
from gql.transport.websockets import WebsocketsTransport

from tests.conftest import Backend
from tests.e2e.conftest import start_server
from tests.e2e.test_http_and_websocket import TIMEOUT, signup_player, ws_url
from tests.e2e.test_live_and_money import BALANCE, GAME_EVENTS
from tests.support import SPIN, row_id

pytestmark = pytest.mark.e2e

PLAYERS = 110  # each opens two subscriptions at once: 220 in the burst


class Listener:
    """One player's WebSocket with `balanceChanged` and `gameEvents` opened together."""

    def __init__(self, base_url: str, token: str) -> None:
        self.balance: list[dict[str, Any]] = []
        self.games: list[dict[str, Any]] = []
        self._transport = WebsocketsTransport(
            url=ws_url(base_url),
            init_payload={"authorization": f"Bearer {token}"},
            subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
        )
        self._tasks: list[asyncio.Task[None]] = []

    async def open(self, stack: contextlib.AsyncExitStack) -> None:
        ws = await stack.enter_async_context(Client(transport=self._transport))
        self._tasks = [
            asyncio.create_task(self._collect(ws, BALANCE, "balanceChanged", self.balance)),
            asyncio.create_task(self._collect(ws, GAME_EVENTS, "gameEvents", self.games)),
        ]
        stack.callback(self.stop)

    @staticmethod
    async def _collect(ws: Any, document: Any, field: str, into: list[dict[str, Any]]) -> None:
        async for result in ws.subscribe(document):
            into.append(result[field])

    def heard_both(self) -> bool:
        return bool(self.balance) and bool(self.games)

    def stop(self) -> None:
        for task in self._tasks:
            task.cancel()


async def spin(http: httpx.AsyncClient, token: str) -> None:
    response = await http.post(
        "/graphql",
        json={"query": SPIN, "variables": {"input": {"stake": 10}}},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.json()["data"]["slotSpin"]["__typename"] == "SlotSpinSuccess"


async def test_a_burst_of_subscriptions_on_a_fresh_server_all_receive_once(
    backend: Backend, tmp_path: Path
) -> None:
    with start_server(backend, tmp_path, GAME_RATE_LIMIT_PER_SECOND="1000") as running:
        players = await asyncio.gather(*(signup_player(running.url) for _ in range(PLAYERS)))
        tokens = [player["accessToken"] for player in players]
        listeners = [Listener(running.url, token) for token in tokens]
        async with (
            contextlib.AsyncExitStack() as stack,
            httpx.AsyncClient(base_url=running.url, timeout=TIMEOUT) as http,
        ):
            await asyncio.gather(*(listener.open(stack) for listener in listeners))
            # A subscription starts on the server a moment after the client sends it:
            # each player spins until both of theirs have heard something (a dead one
            # never does, and fails the deadline).
            async with asyncio.timeout(TIMEOUT * 2):
                while waiting := [i for i, lis in enumerate(listeners) if not lis.heard_both()]:
                    await asyncio.gather(*(spin(http, tokens[i]) for i in waiting))
                    await asyncio.sleep(0.2)
            await asyncio.gather(*(spin(http, token) for token in tokens))
            await asyncio.sleep(1.0)  # the last spin's events, and any duplicate, arrive
    for listener in listeners:
        balances = listener.balance
        # In order and once: each balance is the one before it plus its delta, and every
        # spin's game event names a new round.
        for before, after in itertools.pairwise(balances):
            assert after["gold"] == before["gold"] + after["delta"], balances
        rounds = [row_id(e["roundId"]) for e in listener.games if e["type"] == "SLOT_SPIN"]
        assert rounds == sorted(set(rounds)) and len(rounds) >= 2
