"""Apollo Client 4 (Node) against a real server, on both backends (SPEC §12.1).

clients/src/apollo/driver.ts is configured as a frontend would configure it — the default
InMemoryCache with the exported possibleTypes.json, nothing hand-written — and these tests
hold the server to what that client needs: a spin updates the cached balance by itself,
typed refusals arrive with their code and message, and Apollo's persisted-query link
works on first use and after a restart.
"""

from __future__ import annotations

import json
import queue
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.clients import node
from tests.conftest import Backend
from tests.e2e.conftest import start_server

pytestmark = pytest.mark.e2e

POSSIBLE_TYPES = node.CLIENTS_DIR.parent / "possibleTypes.json"
REPLY_TIMEOUT_SECONDS = 60


class Driver:
    """The Node process: one JSON command a line in, one JSON report a line out."""

    def __init__(self, entry: Path, log: Path) -> None:
        self.log = log
        with log.open("wb") as stderr:
            self.process = subprocess.Popen(
                ["node", str(entry), str(POSSIBLE_TYPES)],
                cwd=node.CLIENTS_DIR,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
            )
        self.replies: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.replies.put(line)

    def ask(self, scenario: str, url: str) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"scenario": scenario, "url": url}) + "\n")
        self.process.stdin.flush()
        try:
            reply: dict[str, Any] = json.loads(self.replies.get(timeout=REPLY_TIMEOUT_SECONDS))
        except queue.Empty:
            pytest.fail(f"no answer from the driver:\n{self.log.read_text()}")
        assert reply.pop("ok"), f"{reply['error']}\n{self.log.read_text()}"
        return reply

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def driver_entry() -> Path:
    node.prepare()
    return node.build()


@pytest.fixture
def driver(driver_entry: Path, tmp_path: Path) -> Iterator[Driver]:
    running = Driver(driver_entry, tmp_path / "driver.log")
    yield running
    running.close()


def test_a_spin_updates_the_cached_balance_with_no_refetch(server: str, driver: Driver) -> None:
    report = driver.ask("cache", f"{server}/graphql")
    assert report["spinGold"] is not None, f"no spin moved the gold: {report['spins']}"
    # Read with fetchPolicy cache-only: answered by the cache, not one request sent …
    assert report["requestsForCacheRead"] == 0
    # … and what it answers is the spin's player, which is what the server holds now.
    assert report["cachedGold"] == report["spinGold"] == report["serverGold"]
    assert report["cachedGold"] != report["goldBefore"]
    answer = httpx.post(
        f"{server}/graphql",
        json={"query": "{ me { id gold } }"},
        headers={"Authorization": f"Bearer {report['token']}"},
        timeout=10,
    ).json()
    assert answer["data"]["me"] == {"id": report["meId"], "gold": report["cachedGold"]}
    # One identity: the signup's user, `me` and the spin's player are one cache entry.
    assert report["playerId"] == report["meId"]
    assert report["cacheKey"] == f"Player:{report['meId']}"


def test_typed_refusals_arrive_with_their_code_and_message(server: str, driver: Driver) -> None:
    report = driver.ask("errors", f"{server}/graphql")
    over_the_limit, unaffordable = report["withPossibleTypes"]
    assert over_the_limit["__typename"] == "InvalidStake"
    assert over_the_limit["code"] == "INVALID_STAKE"
    assert over_the_limit["message"]
    assert unaffordable["__typename"] == "InsufficientFunds"
    assert unaffordable["code"] == "INSUFFICIENT_FUNDS"
    assert unaffordable["message"]
    # The control: the same client without the map keeps only __typename — Apollo cannot
    # tell that InvalidStake is a UserError and drops the fragment without a word.
    assert report["withoutPossibleTypes"] == [
        {"__typename": "InvalidStake"},
        {"__typename": "InsufficientFunds"},
    ]


def test_the_persisted_query_link_falls_back_at_first_and_after_a_restart(
    backend: Backend, driver: Driver, tmp_path: Path
) -> None:
    not_found = {
        "operationName": "ApolloCatalog",
        "sentDocument": False,
        "sentHash": True,
        "status": 200,
        "errorCodes": ["PERSISTED_QUERY_NOT_FOUND"],
    }
    with_document = {**not_found, "sentDocument": True, "errorCodes": []}
    by_hash = {**not_found, "errorCodes": []}

    with start_server(backend, tmp_path) as first:
        report = driver.ask("persisted", f"{first.url}/graphql")
        assert report["exchanges"] == [not_found, with_document]
        assert report["products"] > 0
        report = driver.ask("persisted", f"{first.url}/graphql")
        assert report["exchanges"] == [by_hash]

    with start_server(backend, tmp_path) as second:
        report = driver.ask("persisted", f"{second.url}/graphql")
        assert report["products"] > 0
        if backend.name != "sqlite":
            # Production keeps documents in Redis, shared: the new instance knows it.
            assert report["exchanges"] == [by_hash]
        else:
            # Embedded, the store died with the process: the link sends the document again.
            assert report["exchanges"] == [not_found, with_document]
