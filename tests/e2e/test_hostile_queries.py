"""End to end (SPEC §13, issue 24 items 1-2): floods of one kind of request leave an
honest player and `/health` answering, and answering truthfully.

Bounded floods; every assertion is about answers, never about wall-clock time.
`asyncio.timeout` is only a hang guard.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import get_introspection_query

from tests.conftest import Backend
from tests.costly_queries import HISTORY_PAGE, OWN_HISTORY, PUBLIC_PAGES
from tests.e2e.conftest import start_server
from tests.e2e.test_http_and_websocket import signup_player
from tests.support import SPIN, error_codes

pytestmark = pytest.mark.e2e

HANG_GUARD_SECONDS = 120
LOOPS = 10
ROUNDS = 20
HONEST_CHECKS = 5
GOLD = "{ me { gold } }"
# The schema's description, as the server writes it (compact JSON).
SCHEMA = b'"queryType":{"name":"Query"'


def healthy(body: dict[str, Any], backend: Backend) -> bool:
    expected = "ok" if backend.name != "sqlite" else "in-process"
    return body == {"status": "ok", "database": "ok", "redis": expected}


async def honest_player(
    client: httpx.AsyncClient, token: str, backend: Backend, query: str = GOLD
) -> list[bool]:
    """While a flood runs: the player's answers and /health, each checked for truth."""
    auth = {"Authorization": f"Bearer {token}"}
    outcomes: list[bool] = []
    for _ in range(HONEST_CHECKS):
        health = await client.get("/health")
        outcomes.append(health.status_code == 200 and healthy(health.json(), backend))
        answer = await client.post("/graphql", json={"query": query}, headers=auth)
        outcomes.append(answer.status_code == 200 and "errors" not in answer.json())
    return outcomes


async def test_introspection_loops_leave_players_and_health_answering(
    backend: Backend, tmp_path: Path
) -> None:
    introspection = get_introspection_query(descriptions=True)

    refused: list[str] = []  # what any answer that was not the schema said, for the report

    async def loop(client: httpx.AsyncClient) -> list[bool]:
        """Answers are checked as bytes: each is ~450 KB of JSON, and decoding all of
        them in this process (late in the suite, with its large heap) keeps the client's
        own loop busy; a client that stalls 10 s between opening a connection and
        finishing its request is one the server's header and body deadlines rightly cut
        off. The likeliest reading of the resets and the one odd answer this test saw
        in CI only, on the last backend, never locally."""
        answers = []
        for _ in range(ROUNDS):
            response = await client.post("/graphql", json={"query": introspection})
            answered = response.status_code == 200 and SCHEMA in response.content
            if not answered:
                refused.append(f"{response.status_code} {response.text[:500]}")
            answers.append(answered)
        return answers

    with start_server(backend, tmp_path) as running:
        token = (await signup_player(running.url))["accessToken"]
        async with (
            httpx.AsyncClient(base_url=running.url, timeout=HANG_GUARD_SECONDS) as client,
            asyncio.timeout(HANG_GUARD_SECONDS),
        ):
            flood = [asyncio.create_task(loop(client)) for _ in range(LOOPS)]
            await asyncio.sleep(0.2)  # the loops are running
            honest = await honest_player(client, token, backend)
            answered = await asyncio.gather(*flood)
            gold = (
                await client.post(
                    "/graphql", json={"query": GOLD}, headers={"Authorization": f"Bearer {token}"}
                )
            ).json()

    assert honest == [True] * (2 * HONEST_CHECKS)
    assert answered == [[True] * ROUNDS] * LOOPS, refused
    assert gold == {"data": {"me": {"gold": 1000}}}


async def test_costly_queries_are_refused_and_a_flood_meets_its_budget(
    backend: Backend, tmp_path: Path
) -> None:
    budget = {
        "QUERY_BUDGET_PER_SECOND_PER_PLAYER": "10",
        "QUERY_BUDGET_PER_SECOND_PER_ADDRESS": "10",
    }
    with start_server(backend, tmp_path, **budget) as running:
        flooder = (await signup_player(running.url))["accessToken"]
        honest = (await signup_player(running.url))["accessToken"]
        async with (
            httpx.AsyncClient(base_url=running.url, timeout=HANG_GUARD_SECONDS) as client,
            asyncio.timeout(HANG_GUARD_SECONDS),
        ):
            auth = {"Authorization": f"Bearer {flooder}"}
            own = (await client.post("/graphql", json={"query": OWN_HISTORY}, headers=auth)).json()
            public = (await client.post("/graphql", json={"query": PUBLIC_PAGES})).json()
            assert error_codes(own) == ["QUERY_TOO_COMPLEX"]
            assert error_codes(public) == ["QUERY_TOO_COMPLEX"]
            assert own["data"] is None and public["data"] is None

            page = {"query": HISTORY_PAGE, "variables": {"first": 100}}

            async def flood() -> list[list[str]]:
                codes = []
                for _ in range(25):
                    response = await client.post("/graphql", json=page, headers=auth)
                    assert response.status_code == 200, response.text
                    codes.append(error_codes(response.json()))
                return codes

            floods = [asyncio.create_task(flood()) for _ in range(8)]
            await asyncio.sleep(0.1)
            spins = []
            for _ in range(HONEST_CHECKS):
                spin = await client.post(
                    "/graphql",
                    json={"query": SPIN, "variables": {"input": {"stake": 10}}},
                    headers={"Authorization": f"Bearer {honest}"},
                )
                spins.append(spin.json()["data"]["slotSpin"]["__typename"])
            health = [(await client.get("/health")) for _ in range(HONEST_CHECKS)]
            codes = [answer for task in await asyncio.gather(*floods) for answer in task]

    assert spins == ["SlotSpinSuccess"] * HONEST_CHECKS
    assert all(r.status_code == 200 and healthy(r.json(), backend) for r in health)
    assert set(map(tuple, codes)) <= {(), ("RATE_LIMITED",)}
    assert codes.count(["RATE_LIMITED"]) > 0
    assert codes.count([]) > 0
