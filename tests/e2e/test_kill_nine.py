"""Crash-safety under load (SPEC §13): `kill -9` mid-load loses no committed gold and
leaves no half-applied transaction; the restarted server serves again."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections import defaultdict
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import make_url

from casino_club.domain.ledger import round_reference
from tests.conftest import Backend
from tests.e2e.conftest import start_server
from tests.e2e.test_http_and_websocket import TIMEOUT, signup_player
from tests.support import SPIN, row_id

pytestmark = pytest.mark.e2e

PLAYERS = 16
WORKERS_PER_PLAYER = 2  # two at once on one wallet, as an impatient client would
LOAD_SECONDS = 1.0  # of spins after the load is under way, before the kill
LOAD_START_SECONDS = 60.0
LOAD_UNDER_WAY = 20  # spins answered
SLOT_REASONS = ("SLOT_BET", "SLOT_WIN")


async def spin_until_it_dies(
    base_url: str, token: str, succeeded: list[int], under_way: asyncio.Event, stop: asyncio.Event
) -> None:
    """Spin as fast as answers come; note every round the server said succeeded (and
    when enough have, that the load is under way)."""
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base_url, timeout=TIMEOUT) as client:
        while not stop.is_set():
            try:
                response = await client.post(
                    "/graphql",
                    json={"query": SPIN, "variables": {"input": {"stake": 10}}},
                    headers=headers,
                )
            except httpx.TransportError:
                return  # the server is gone
            # A refusal under load (SERVICE_UNAVAILABLE: no data) is no success either.
            result = (response.json().get("data") or {}).get("slotSpin") or {}
            if result.get("__typename") == "SlotSpinSuccess":
                succeeded.append(row_id(result["roundId"]))
                if len(succeeded) > LOAD_UNDER_WAY:
                    under_way.set()


async def the_books(backend: Backend, user_ids: list[int]) -> dict[str, Any]:
    """Straight from the database: wallets against ledgers (every player, not just
    these), and these players' history rows against their ledger rows."""
    dsn = make_url(backend.database_url).set(drivername="postgresql")
    connection = await asyncpg.connect(dsn.render_as_string(hide_password=False), timeout=5)
    try:
        mismatched = await connection.fetch(
            """SELECT w.user_id, w.gold, COALESCE(SUM(l.amount), 0) AS ledger
               FROM wallets w LEFT JOIN ledger_entries l ON l.user_id = w.user_id
               GROUP BY w.user_id, w.gold HAVING w.gold <> COALESCE(SUM(l.amount), 0)"""
        )
        history = await connection.fetch(
            "SELECT id, game, seed_id, nonce, stake, payout FROM game_history"
            " WHERE user_id = ANY($1::bigint[])",
            user_ids,
        )
        ledger = await connection.fetch(
            "SELECT reference, amount FROM ledger_entries"
            " WHERE user_id = ANY($1::bigint[]) AND reason = ANY($2::text[])",
            user_ids,
            list(SLOT_REASONS),
        )
    finally:
        await connection.close()
    moved: dict[str, int] = defaultdict(int)
    for row in ledger:
        moved[row["reference"]] += row["amount"]
    return {"mismatched": mismatched, "history": history, "moved": moved}


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_kill_nine_under_spin_load_loses_nothing_committed(
    backend: Backend, tmp_path: Path
) -> None:
    quick = {"GAME_RATE_LIMIT_PER_SECOND": "1000"}
    with start_server(backend, tmp_path, **quick) as server:
        players = [await signup_player(server.url) for _ in range(PLAYERS)]
        tokens = [p["accessToken"] for p in players]
        succeeded: list[int] = []
        under_way, stop = asyncio.Event(), asyncio.Event()
        load = [
            asyncio.create_task(spin_until_it_dies(server.url, token, succeeded, under_way, stop))
            for token in tokens
            for _ in range(WORKERS_PER_PLAYER)
        ]
        # Killed once the load is under way, however slow a busy machine makes it start.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(under_way.wait(), LOAD_START_SECONDS)
        await asyncio.sleep(LOAD_SECONDS)
        server.process.send_signal(signal.SIGKILL)
        server.process.wait()
        stop.set()
        await asyncio.gather(*load)
    assert len(succeeded) > LOAD_UNDER_WAY, "the load must have been under way"

    with start_server(backend, tmp_path, **quick) as again:
        async with httpx.AsyncClient(base_url=again.url, timeout=TIMEOUT) as client:
            user_ids = []
            for token in tokens:
                headers = {"Authorization": f"Bearer {token}"}
                me = await client.post("/graphql", json={"query": "{ me { id } }"}, headers=headers)
                user_ids.append(row_id(me.json()["data"]["me"]["id"]))
                # Service resumes: the same players spin again.
                spun = await client.post(
                    "/graphql",
                    json={"query": SPIN, "variables": {"input": {"stake": 10}}},
                    headers=headers,
                )
                assert spun.json()["data"]["slotSpin"]["__typename"] == "SlotSpinSuccess"

    books = await the_books(backend, user_ids)
    assert books["mismatched"] == []
    history = books["history"]
    moved = books["moved"]
    references = set()
    for row in history:
        reference = round_reference(row["game"], row["seed_id"], row["nonce"])
        references.add(reference)
        # Each history row has exactly its ledger rows: the stake out, the payout in.
        assert moved.get(reference, 0) == row["payout"] - row["stake"], dict(row)
    assert set(moved) <= references  # and no ledger row without its history row
    assert set(succeeded) <= {row["id"] for row in history}  # every answered spin is there
