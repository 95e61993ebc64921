"""The committed HAProxy configuration (deploy/haproxy/haproxy.cfg, what
docker-compose.yml runs) in front of two real instances: HTTP and WebSocket both pass,
and an instance that stops costs the proxy's clients nothing over HTTP.

Only what Docker provides is replaced: the replicas' DNS discovery (`server-template`
with Docker's resolver) becomes the two instances' addresses, and the port it listens
on a free one. Timeouts, health checks, balancing and retries are the file's own.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from gql import gql

from tests.conftest import Backend
from tests.deploy.test_compose import haproxy
from tests.e2e.conftest import start_server, stop_process
from tests.e2e.listeners import listening
from tests.e2e.test_http_and_websocket import TIMEOUT, signup_player
from tests.e2e.test_live_and_money import post
from tests.support import SPIN, free_port

pytestmark = pytest.mark.e2e

CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "haproxy" / "haproxy.cfg"
TEMPLATE = re.compile(r"^\s*server-template \S+ \d+ app:8000 .*resolvers docker.*$", re.MULTILINE)
BIND = "    bind :8080\n"
BALANCE = gql("subscription B { balanceChanged { id gold delta reason } }")
REQUESTS_AFTER_THE_STOP = 20


def local_config(ports: list[int], listen: int) -> str:
    text = CONFIG.read_text()
    (template,) = TEMPLATE.findall(text)
    servers = "".join(
        f"    server app-{n} 127.0.0.1:{port} check\n" for n, port in enumerate(ports)
    )
    assert BIND in text
    return text.replace(template + "\n", servers).replace(BIND, f"    bind 127.0.0.1:{listen}\n")


@contextlib.contextmanager
def proxy(config: str, directory: Path, url: str) -> Iterator[subprocess.Popen[bytes]]:
    path = directory / "haproxy.cfg"
    path.write_text(config)
    log = directory / "haproxy.log"
    with log.open("wb") as out:
        process = subprocess.Popen([haproxy(), "-db", "-f", str(path)], stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + TIMEOUT
        while True:
            assert process.poll() is None, log.read_text()
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        yield process
    finally:
        stop_process(process)


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_http_and_websocket_through_the_committed_haproxy_config(
    backend: Backend, tmp_path: Path
) -> None:
    listen = free_port()
    url = f"http://127.0.0.1:{listen}"
    with (
        start_server(backend, tmp_path) as first,
        start_server(backend, tmp_path) as second,
        proxy(local_config([port_of(first.url), port_of(second.url)], listen), tmp_path, url),
    ):
        player = await signup_player(url)
        token = player["accessToken"]
        async with (
            listening(url, token, BALANCE, "balanceChanged") as listener,
            httpx.AsyncClient(base_url=url, timeout=TIMEOUT) as client,
        ):
            spin = await post(client, SPIN, token, {"input": {"stake": 10}})
            assert spin["slotSpin"]["__typename"] == "SlotSpinSuccess", spin
            # Heard over the WebSocket through the proxy, whichever instance holds it.
            assert await listener.until(
                lambda items: any(item["reason"] == "SLOT_BET" for item in items)
            ), listener.received

            # One instance stops; before the health checks notice, the proxy retries
            # each request's connection on the other: no client sees an error.
            second.process.terminate()
            second.process.wait(timeout=10)
            answers = [
                (await client.get("/health")).status_code for _ in range(REQUESTS_AFTER_THE_STOP)
            ]
            assert answers == [200] * REQUESTS_AFTER_THE_STOP
            for _ in range(3):
                again = await post(client, SPIN, token, {"input": {"stake": 10}})
                assert again["slotSpin"]["__typename"] == "SlotSpinSuccess", again
                await asyncio.sleep(0)
