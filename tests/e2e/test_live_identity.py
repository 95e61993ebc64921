"""Live events name their player (SPEC §12.1): a BalanceChange and a GameEvent carry the
Player, by the same global id `me` answers, with the gold a normalized cache keeps."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from gql import GraphQLRequest

from tests.e2e.listeners import having, listening
from tests.e2e.test_http_and_websocket import TIMEOUT, signup_player
from tests.e2e.test_live_and_money import post
from tests.support import SPIN

pytestmark = pytest.mark.e2e

BALANCE = "subscription { balanceChanged { gold player { __typename id gold } } }"
GAMES = "subscription { gameEvents { type roundId player { __typename id nickname } } }"


async def test_balance_changes_and_game_events_name_their_player(server: str) -> None:
    player = await signup_player(server)
    token = player["accessToken"]
    async with (
        listening(server, token, GraphQLRequest(BALANCE), "balanceChanged") as balances,
        listening(server, token, GraphQLRequest(GAMES), "gameEvents") as games,
        httpx.AsyncClient(base_url=server, timeout=TIMEOUT) as http,
    ):
        me = (await post(http, "{ me { id nickname } }", token))["me"]
        # The server subscribes asynchronously: spin until both have an event.
        for _ in range(50):
            spun = (await post(http, SPIN, token, {"input": {"stake": 10}}))["slotSpin"]
            await asyncio.sleep(0.1)
            if balances.received and games.received:
                break
        await balances.until_gold(spun["balance"])
        assert await games.until(having(lambda event: event["type"] == "SLOT_SPIN"))
        final = (await post(http, "{ me { gold } }", token))["me"]["gold"]
    change = balances.received[-1]
    assert change["player"]["__typename"] == "Player"
    assert change["player"]["id"] == me["id"]
    assert change["player"]["gold"] == final == spun["balance"]
    event = next(e for e in games.received if e["type"] == "SLOT_SPIN")
    assert event["player"] == {"__typename": "Player", "id": me["id"], "nickname": me["nickname"]}
    assert event["roundId"] is not None
