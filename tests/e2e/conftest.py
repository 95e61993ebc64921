"""A real server process per backend, for clients that speak real HTTP and WebSocket."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser

from tests.conftest import Backend
from tests.e2e.browser import Screenshots, chromium
from tests.support import free_port

STARTUP_TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class RunningServer:
    url: str
    process: subprocess.Popen[bytes]


# The suite's own client (this process) is no production client: late in the suite its
# heap is large and its loop busy (hundreds of sockets, big answers decoded). Resets seen
# in CI only, on the last backend only, most likely were such a client stalling 10 s
# between opening a connection and finishing a request, cut off by the server's header
# and body deadlines. Those have their own tests (test_slow_clients sets them); here
# they are a minute. Should the cause be a crash of the server, faulthandler prints its
# stack into the server's log.
LENIENT_DEADLINES = {
    "HTTP_HEADER_TIMEOUT_SECONDS": "60",
    "HTTP_BODY_TIMEOUT_SECONDS": "60",
    "PYTHONFAULTHANDLER": "1",
}


@contextlib.contextmanager
def start_server(backend: Backend, log_dir: Path, **settings: str) -> Iterator[RunningServer]:
    """`casino-club serve` on a free port with the backend's configuration."""
    port = free_port()
    env = {
        **os.environ,
        **backend.environment(),
        **LENIENT_DEADLINES,
        **settings,
        "HOST": "127.0.0.1",
        "PORT": str(port),
    }
    log_path = log_dir / f"server-{port}.log"
    executable = Path(sys.executable).parent / "casino-club"
    with log_path.open("wb") as log:
        process = subprocess.Popen([str(executable), "serve"], env=env, stdout=log, stderr=log)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"server exited early:\n{log_path.read_text()}")
            try:
                if httpx.get(f"{base_url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"server did not become healthy:\n{log_path.read_text()}")
            time.sleep(0.1)
        yield RunningServer(base_url, process)
    finally:
        stop_process(process)


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (a graceful stop), then SIGKILL if it is not gone in 10 s."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="package")
def server(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The server with default settings, shared by the e2e tests of one backend, and
    stopped when they end: it shares the test database, and its jobs (a crash sweep
    every second) would otherwise run against it through every later test — on SQLite,
    a second process taking the write lock (suspected in two "database is locked"
    teardowns in CI)."""
    with start_server(backend, tmp_path_factory.mktemp("server")) as running:
        yield running.url


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """Debian's Chromium, headless (tests/e2e/browser.py)."""
    async with chromium() as launched:
        yield launched


@pytest.fixture
def screenshots(request: pytest.FixtureRequest) -> Screenshots:
    return Screenshots(request)
