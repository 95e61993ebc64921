"""`casino-club serve --workers N` (SPEC §4.1: instances share PostgreSQL and Redis):
two worker processes behind one port act as one server."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from casino_club.cli import app as cli
from tests.conftest import REDIS_BACKENDS, Backend
from tests.e2e.conftest import start_server
from tests.e2e.test_http_and_websocket import TIMEOUT, signup_player
from tests.e2e.test_live_and_money import listening, post, whole_ledger
from tests.support import SPIN

pytestmark = pytest.mark.e2e

SPINS = 12


def worker_pids(parent: int) -> set[int]:
    """The server's worker processes (multiprocessing's resource tracker is not one)."""
    children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    return {
        int(pid)
        for pid in children
        if b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes()
    }


def test_several_workers_need_shared_state(monkeypatch: pytest.MonkeyPatch) -> None:
    """In embedded mode each process would keep its own limits and events: refused."""
    monkeypatch.setenv("REDIS_URL", "")
    monkeypatch.setenv("BROADCAST_URL", "memory://")
    from casino_club.config import get_settings

    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["serve", "--workers", "2"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert "REDIS_URL" in result.output


# Two processes share state only through Redis: the PostgreSQL + Redis backend.
@pytest.mark.parametrize("backend", REDIS_BACKENDS, indirect=True)
async def test_two_workers_serve_one_player_with_every_event(
    backend: Backend, tmp_path: Path
) -> None:
    with start_server(backend, tmp_path, WORKERS="2", GAME_RATE_LIMIT_PER_SECOND="1000") as running:
        assert len(worker_pids(running.process.pid)) == 2
        player = await signup_player(running.url)
        token = player["accessToken"]
        async with listening(running.url, token) as listener:
            received = listener.received
            # A fresh connection per spin, so the spins land on both workers; the
            # subscription lives on one of them and must hear all of them.
            spins = []
            for _ in range(SPINS):
                async with httpx.AsyncClient(base_url=running.url, timeout=TIMEOUT) as http:
                    spun = await post(http, SPIN, token, {"input": {"stake": 10}})
                    spins.append(spun["slotSpin"])
                if not received and len(spins) == 1:
                    await asyncio.sleep(0.5)  # the server subscribes asynchronously
            async with httpx.AsyncClient(base_url=running.url, timeout=TIMEOUT) as http:
                gold, rows = await whole_ledger(http, token)
            await listener.until_gold(gold)
        assert {spin["__typename"] for spin in spins} == {"SlotSpinSuccess"}
        assert gold == spins[-1]["balance"]
        tail = rows[-len(received) :]
        assert [(e["delta"], e["gold"]) for e in received] == [
            (r["amount"], r["balanceAfter"]) for r in tail
        ]
