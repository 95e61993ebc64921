"""End to end: a client that loses its connection resubscribes with `since` and is
given exactly what it missed, then live events (SPEC §10). On the embedded default
(SQLite, in-process ring) and on PostgreSQL + Redis Streams."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from gql import Client, GraphQLRequest, gql
from gql.transport.exceptions import TransportQueryError
from gql.transport.websockets import WebsocketsTransport

from tests.e2e.listeners import listening, showing
from tests.e2e.test_http_and_websocket import TIMEOUT, signup_player, ws_url
from tests.e2e.test_live_and_money import post, whole_ledger
from tests.support import SPIN

pytestmark = pytest.mark.e2e

BALANCE_SINCE = gql(
    "subscription B($since: ID) { balanceChanged(since: $since) { id gold delta reason } }"
)
GAME_SINCE = gql("subscription G($since: ID) { gameEvents(since: $since) { id type } }")


def since(event_id: str | None) -> GraphQLRequest:
    return GraphQLRequest(BALANCE_SINCE, variable_values={"since": event_id})


def client_for(base_url: str, token: str) -> Client:
    transport = WebsocketsTransport(
        url=ws_url(base_url),
        init_payload={"authorization": f"Bearer {token}"},
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
    )
    return Client(transport=transport)


async def test_resubscribing_with_since_gives_what_was_missed_then_live(server: str) -> None:
    token = (await signup_player(server))["accessToken"]
    async with httpx.AsyncClient(base_url=server, timeout=TIMEOUT) as http:

        async def spin() -> int:
            balance: int = (await post(http, SPIN, token, {"input": {"stake": 10}}))["slotSpin"][
                "balance"
            ]
            return balance

        # Listening: spins until the subscription is live, then two more, all heard.
        async with listening(server, token, since(None), "balanceChanged") as first:
            while not await first.until(showing(await spin()), within=0.5):
                pass
            for _ in range(2):
                gold = await spin()
            await first.until_gold(gold)
        heard = first.received
        # Away: three spins nobody hears.
        for _ in range(3):
            gold = await spin()
        # Back, from the first event heard: the rest of what was heard, what was missed,
        # then a live spin.
        async with listening(server, token, since(heard[0]["id"]), "balanceChanged") as again:
            await again.until_gold(gold)
            await again.until_gold(await spin())
            await asyncio.sleep(0.2)  # anything more would arrive now, and fail below
        replayed = again.received
        _, ledger = await whole_ledger(http, token)

    assert replayed[: len(heard) - 1] == heard[1:]  # the same events, the same ids
    ids = [(int(a), int(b)) for a, b in (e["id"].split("-") for e in [heard[0], *replayed])]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    # One event per ledger row: the replay and the live spin are the ledger's newest
    # rows, every one once, in order, and follow straight on from the first heard.
    tail = ledger[-len(replayed) - 1 :]
    assert [(e["delta"], e["gold"], e["reason"]) for e in [heard[0], *replayed]] == [
        (r["amount"], r["balanceAfter"], r["reason"]) for r in tail
    ]
    assert len(replayed) >= len(heard) - 1 + 3 + 1


async def refusal(server: str, token: str, since: str) -> list[dict[str, Any]]:
    async with client_for(server, token) as ws:
        with pytest.raises(TransportQueryError) as refused:
            async with asyncio.timeout(TIMEOUT):
                await anext(
                    ws.subscribe(GraphQLRequest(GAME_SINCE, variable_values={"since": since}))
                )
    errors = refused.value.errors
    assert errors is not None
    return errors


async def test_a_since_that_is_not_an_event_id_is_bad_user_input(server: str) -> None:
    token = (await signup_player(server))["accessToken"]
    # (A NUL closes the socket with 4400 before any operation: app.decode_json.)
    for since in ["yesterday", "1-2-3", "9" * 5000, "99999999999999-0", "-1-0"]:
        errors = await refusal(server, token, since)
        assert [e["extensions"]["code"] for e in errors] == ["BAD_USER_INPUT"], since
