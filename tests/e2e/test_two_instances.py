"""Two app instances on one PostgreSQL and Redis (SPEC §4, §10): subscribers spread over
both receive every event caused on either, exactly once, in order per player — among
them 200 subscriptions opened in the same instant on two freshly started instances."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from gql import GraphQLRequest, gql

from tests.conftest import REDIS_BACKENDS, Backend
from tests.e2e.conftest import start_server
from tests.e2e.listeners import Listener, listening
from tests.e2e.test_http_and_websocket import TIMEOUT, signup_player
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


def slot_events(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in items if e["reason"] in SLOT_REASONS]


def with_slot_events(count: int) -> Callable[[list[dict[str, Any]]], bool]:
    return lambda items: len(slot_events(items)) >= count


@pytest.mark.parametrize("backend", REDIS_BACKENDS, indirect=True)
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
            request = GraphQLRequest(BALANCE, variable_values={"since": FROM_THE_START})
            opened = await asyncio.gather(
                *(
                    stack.enter_async_context(listening(url, token, request, "balanceChanged"))
                    for token in tokens
                    for url in urls
                )
            )
            subscribers = [opened[2 * n : 2 * n + 2] for n in range(PLAYERS)]
            # A first spin each (whether or not the subscription is live yet, `since`
            # covers it); once every subscriber has it, more spins, alternating
            # instances, can only arrive live.
            await asyncio.gather(*(spin(n, n % 2) for n in range(PLAYERS)))
            ledgers = await asyncio.gather(*(whole_ledger(https[0], t) for t in tokens))
            await asyncio.gather(
                *(
                    until_all(s, _slot_rows(ledgers[n][1]))
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
                    until_all(s, _slot_rows(ledgers[n][1]))
                    for n, pair in enumerate(subscribers)
                    for s in pair
                )
            )
            await asyncio.sleep(0.3)  # anything more would arrive now, and fail below

    for n, pair in enumerate(subscribers):
        _, rows = ledgers[n]
        expected = [
            (r["amount"], r["balanceAfter"], r["reason"])
            for r in rows
            if r["reason"] in SLOT_REASONS
        ]
        assert len(expected) >= 1 + SPINS_LIVE  # a stake row per spin, at least
        for subscriber in pair:
            heard = [(e["delta"], e["gold"], e["reason"]) for e in slot_events(subscriber.received)]
            assert heard == expected, f"player {n}"
        # Both instances gave the same events the same ids: one journal.
        assert [e["id"] for e in pair[0].received] == [e["id"] for e in pair[1].received]


async def until_all(listener: Listener, count: int) -> None:
    assert await listener.until(with_slot_events(count), within=TIMEOUT * 2)


def _slot_rows(rows: list[dict[str, Any]]) -> int:
    return sum(1 for r in rows if r["reason"] in SLOT_REASONS)
