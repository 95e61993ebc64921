"""End to end (SPEC §13): a small fragment bomb cannot stop a real server.

Validation runs on the server's event loop: were it exponential in the fragments, as
Strawberry's own depth and alias limiters are, `/health` would wait behind the bombs
for minutes and the hang guard would fail the test.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from tests.query_bombs import BOMB_LEVELS, fragment_bomb

pytestmark = pytest.mark.e2e

HANG_GUARD_SECONDS = 30
BOMBS = 4
HEALTH_CHECKS = 8


async def test_health_answers_while_fragment_bombs_are_handled(server: str) -> None:
    async def bomb(client: httpx.AsyncClient, prefix: str, first: str) -> dict[str, Any]:
        """Fragment names of its own, so that no bomb is answered from a cache."""
        query = fragment_bomb(first=first, prefix=prefix)
        response = await client.post("/graphql", json={"query": query})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async with (
        httpx.AsyncClient(base_url=server, timeout=HANG_GUARD_SECONDS) as client,
        asyncio.timeout(HANG_GUARD_SECONDS),
        asyncio.TaskGroup() as bombs,
    ):
        refused = [
            bombs.create_task(bomb(client, f"Aliased{i}_", "a: __typename")) for i in range(BOMBS)
        ]
        answered = bombs.create_task(bomb(client, "Plain", "__typename"))
        health = [(await client.get("/health")).status_code for _ in range(HEALTH_CHECKS)]

    assert health == [200] * HEALTH_CHECKS
    expected = f"{2 ** (BOMB_LEVELS - 1)} aliases found. Allowed: 15"
    for task in refused:
        assert task.result()["data"] is None
        assert [error["message"] for error in task.result()["errors"]] == [expected]
    assert answered.result() == {"data": {"__typename": "Query"}}
