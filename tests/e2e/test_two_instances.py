"""Two app instances on one PostgreSQL and Redis (SPEC §4, §10): subscribers spread over
both receive every event caused on either, exactly once, in order per player — among
them 200 subscriptions opened in the same instant on two freshly started instances."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from pathlib import Path
from typing import Any

import httpx
import pytest
from gql import Client, GraphQLRequest, gql
from gql.transport.websockets import WebsocketsTransport

from tests.conftest import Backend
from tests.e2e.conftest import start_server
from tests.e2e.test_http_and_websocket import TIMEOUT, signup_player, ws_url
from tests.e2e.test_live_and_money import post, whole_ledger
from tests.support import SPIN

pytestmark = pytest.mark.e2e

PLAYERS = 100
SPINS_LIVE = 4
# From the first event kept: everything a player's channel holds, then live.
FROM_THE_START = "0-0"
BALANCE = gql(
    "subscription B($since: ID) { balanceChanged(since: $since) { id gold delta reason } }"
)
SLOT_REASONS = {"SLOT_BET", "SLOT_WIN"}


class Subscriber:
    """One player's `balanceChanged` on one instance, read as events come."""

    def __init__(self, base_url: str, token: str) -> None:
        self.events: list[dict[str, Any]] = []
        self.changed = asyncio.Condition()
        self._base_url = base_url
        self._token = token
        self.task: asyncio.Task[None] | None = None

    async def run(self, opened: asyncio.Event) -> None:
        transport = WebsocketsTransport(
            url=ws_url(self._base_url),
            init_payload={"authorization": f"Bearer {self._token}"},
            subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
            ping_interval=None,
        )
        await opened.wait()  # every subscriber connects in the same instant
        async with Client(transport=transport) as ws:
            request = GraphQLRequest(BALANCE, variable_values={"since": FROM_THE_START})
            async for result in ws.subscribe(request):
                async with self.changed:
                    self.events.append(result["balanceChanged"])
                    self.changed.notify_all()

    def slot_events(self) -> list[dict[str, Any]]:
        return [e for e in self.events if e["reason"] in SLOT_REASONS]

    async def until(self, count: int) -> None:
        """Until `count` slot events have arrived (bounded)."""
        async with asyncio.timeout(TIMEOUT * 2), self.changed:
            await self.changed.wait_for(lambda: len(self.slot_events()) >= count)


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_subscribers_on_two_fresh_instances_hear_every_event_once_in_order(
    backend: Backend, tmp_path: Path
) -> None:
    quick = {"GAME_RATE_LIMIT_PER_SECOND": "1000"}
    with (
        start_server(backend, tmp_path, **quick) as first,
        start_server(backend, tmp_path, **quick) as second,
    ):
        urls = [first.url, second.url]
        tokens = [(await signup_player(urls[n % 2]))["accessToken"] for n in range(PLAYERS)]
        async with contextlib.AsyncExitStack() as stack:
            https = [
                await stack.enter_async_context(httpx.AsyncClient(base_url=url, timeout=TIMEOUT))
                for url in urls
            ]

            async def spin(n: int, instance: int) -> None:
                result = await post(https[instance], SPIN, tokens[n], {"input": {"stake": 10}})
                assert result["slotSpin"]["__typename"] == "SlotSpinSuccess", result

            # Each player: a subscriber on each instance, all 200 opened at once.
            subscribers = [[Subscriber(url, token) for url in urls] for token in tokens]
            opened = asyncio.Event()
            for subscriber in itertools.chain.from_iterable(subscribers):
                subscriber.task = asyncio.create_task(subscriber.run(opened))
            opened.set()
            try:
                # A first spin each (whether or not the subscription is live yet, `since`
                # covers it); once every subscriber has it, more spins, alternating
                # instances, can only arrive live.
                await asyncio.gather(*(spin(n, n % 2) for n in range(PLAYERS)))
                ledgers = await asyncio.gather(*(whole_ledger(https[0], t) for t in tokens))
                await asyncio.gather(
                    *(
                        s.until(_slot_rows(ledgers[n][1]))
                        for n, pair in enumerate(subscribers)
                        for s in pair
                    )
                )

                async def play(n: int) -> None:
                    for k in range(SPINS_LIVE):
                        await spin(n, (n + k) % 2)

                await asyncio.gather(*(play(n) for n in range(PLAYERS)))
                ledgers = await asyncio.gather(
                    *(whole_ledger(https[n % 2], t) for n, t in enumerate(tokens))
                )
                await asyncio.gather(
                    *(
                        s.until(_slot_rows(ledgers[n][1]))
                        for n, pair in enumerate(subscribers)
                        for s in pair
                    )
                )
                await asyncio.sleep(0.3)  # anything more would arrive now, and fail below
            finally:
                for subscriber in itertools.chain.from_iterable(subscribers):
                    assert subscriber.task is not None
                    subscriber.task.cancel()
                await asyncio.gather(
                    *(s.task for s in itertools.chain.from_iterable(subscribers) if s.task),
                    return_exceptions=True,
                )

    for n, pair in enumerate(subscribers):
        _, rows = ledgers[n]
        expected = [
            (r["amount"], r["balanceAfter"], r["reason"])
            for r in rows
            if r["reason"] in SLOT_REASONS
        ]
        assert len(expected) >= 1 + SPINS_LIVE  # a stake row per spin, at least
        for subscriber in pair:
            heard = [(e["delta"], e["gold"], e["reason"]) for e in subscriber.slot_events()]
            assert heard == expected, f"player {n}"
        # Both instances gave the same events the same ids: one journal.
        assert [e["id"] for e in pair[0].events] == [e["id"] for e in pair[1].events]


def _slot_rows(rows: list[dict[str, Any]]) -> int:
    return sum(1 for r in rows if r["reason"] in SLOT_REASONS)
