"""Many simultaneous money requests (SPEC §13): no double spend, books always balance."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest
from starlette.applications import Starlette

from casino_club.config import Settings
from casino_club.persistence.wallet import ledger_mismatches
from casino_club.services import Services
from tests.conftest import Backend
from tests.support import FAIRNESS, Api, spin


@pytest.fixture
def settings(backend: Backend) -> Settings:
    # The rate limit (10/s) is tested on its own; here it would only hide the races.
    return backend.settings(game_rate_limit_per_second=100_000)


async def test_books_balance_after_many_users_spin_at_once(api: Api, app: Starlette) -> None:
    """50 players × 20 spins, all at once; each final balance follows from its own results."""
    players = [
        (p["accessToken"], p["user"]["id"]) for p in [await api.new_player() for _ in range(50)]
    ]

    async def twenty(token: str) -> list[dict[str, Any]]:
        return list(await asyncio.gather(*(spin(api, token, 10) for _ in range(20))))

    all_results = await asyncio.gather(*(twenty(token) for token, _ in players))
    services: Services = app.state.services
    for (token, _), results in zip(players, all_results, strict=True):
        assert all(r["__typename"] == "SlotSpinSuccess" for r in results), Counter(
            r["__typename"] for r in results
        )
        expected = 1000 + sum(r["payout"] - r["stake"] for r in results)
        me = (await api.data(FAIRNESS, token=token))["me"]
        assert me["gold"] == expected
        assert me["fairness"]["nonce"] == 20
        assert sorted(r["fairness"]["nonce"] for r in results) == list(range(20))
    async with services.sessionmaker() as session:
        assert await ledger_mismatches(session) == []
