"""Slow clients are cut off (SPEC §13), against a real uvicorn process over raw sockets:
connections whose headers or body trickle in a byte at a time, or that never send a
byte, are answered 408 and closed once the (here short) deadline passes, while an honest
request and /health answer; a client that abandons its body leaves no ERROR behind. An
idle kept-alive connection outlasts a client's own idle limit, and no more.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.conftest import Backend
from tests.e2e.conftest import start_server
from tests.e2e.test_http_and_websocket import TIMEOUT

pytestmark = pytest.mark.e2e

DEADLINE_SECONDS = 1
TRICKLERS = 30
BYTE_EVERY_SECONDS = 0.5
# Far past the deadline: the clients trickle forever unless the server cuts them off.
GIVE_UP_AFTER_SECONDS = DEADLINE_SECONDS + TIMEOUT
HEADERS_TRICKLE = b"POST /graphql HTTP/1.1\r\nHost: casino\r\nX-Slow: "
BODY_TRICKLE = (
    b"POST /graphql HTTP/1.1\r\nHost: casino\r\nContent-Type: application/json\r\n"
    b"Content-Length: 1000\r\n\r\n{"
)
TIMED_OUT = b"HTTP/1.1 408 "
# httpx's own idle limit for a pooled connection (its default `keepalive_expiry`).
CLIENT_IDLE_SECONDS = httpx.Limits().keepalive_expiry or 5.0
# The server's, set just past the client's: it must close second.
KEEP_ALIVE_SECONDS = int(CLIENT_IDLE_SECONDS) + 1
TYPENAME = (
    b"POST /graphql HTTP/1.1\r\nHost: casino\r\nContent-Type: application/json\r\n"
    b'Content-Length: 26\r\n\r\n{"query":"{ __typename }"}'
)


class Server:
    def __init__(self, url: str, log_dir: Path) -> None:
        self.url = url
        split = urlsplit(url)
        self.host, self.port = split.hostname or "127.0.0.1", split.port or 80
        self.log_dir = log_dir

    def log(self) -> str:
        return "".join(path.read_text() for path in self.log_dir.glob("server-*.log"))


@pytest.fixture(scope="module")
def slow_server(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    log_dir = tmp_path_factory.mktemp("slow-clients")
    deadline = str(DEADLINE_SECONDS)
    with start_server(
        backend,
        log_dir,
        HTTP_HEADER_TIMEOUT_SECONDS=deadline,
        HTTP_BODY_TIMEOUT_SECONDS=deadline,
        HTTP_KEEP_ALIVE_SECONDS=str(KEEP_ALIVE_SECONDS),
        LOG_LEVEL="INFO",  # whatever is logged, nothing above INFO
    ) as running:
        yield Server(running.url, log_dir)


async def trickle(server: Server, head: bytes, byte: bytes = b"a") -> bytes:
    """Send `head`, then one byte every BYTE_EVERY_SECONDS until the server closes the
    connection; what the server answered meanwhile."""
    reader, writer = await asyncio.open_connection(server.host, server.port)
    answer = b""
    try:
        writer.write(head)
        await writer.drain()
        while True:
            try:
                chunk = await asyncio.wait_for(reader.read(4096), BYTE_EVERY_SECONDS)
            except TimeoutError:
                if byte:
                    writer.write(byte)
                    await writer.drain()
                continue
            if not chunk:
                return answer
            answer += chunk
    except (ConnectionResetError, BrokenPipeError):
        return answer
    finally:
        writer.close()


async def honest_answers(server: Server) -> None:
    """An honest request and /health answer while the slow clients hang on."""
    async with httpx.AsyncClient(base_url=server.url, timeout=TIMEOUT) as client:
        typename = await client.post("/graphql", json={"query": "{ __typename }"})
        health = await client.get("/health")
    assert typename.json() == {"data": {"__typename": "Query"}}
    assert (health.status_code, health.json()["database"]) == (200, "ok")


async def cut_off(server: Server, head: bytes, byte: bytes = b"a") -> list[bytes]:
    """TRICKLERS slow clients at once, and an honest one meanwhile; each slow client's
    answer once the server closed it (the test fails if one is still held)."""
    async with asyncio.timeout(GIVE_UP_AFTER_SECONDS):
        slow = [asyncio.create_task(trickle(server, head, byte)) for _ in range(TRICKLERS)]
        await honest_answers(server)
        return await asyncio.gather(*slow)


def assert_quiet(server: Server) -> None:
    log = server.log()
    assert '"level":"ERROR"' not in log, log
    assert "Traceback" not in log, log


async def test_trickling_headers_are_cut_off(slow_server: Server) -> None:
    answers = await cut_off(slow_server, HEADERS_TRICKLE)
    assert all(answer.startswith(TIMED_OUT) for answer in answers), answers
    assert_quiet(slow_server)


async def test_a_trickling_body_is_cut_off(slow_server: Server) -> None:
    answers = await cut_off(slow_server, BODY_TRICKLE)
    assert all(answer.startswith(TIMED_OUT) for answer in answers), answers
    body = json.loads(answers[0].split(b"\r\n\r\n", 1)[1])
    assert body["errors"][0]["extensions"]["code"] == "REQUEST_TIMEOUT"
    assert_quiet(slow_server)


async def test_a_connection_that_never_sends_a_byte_is_closed(slow_server: Server) -> None:
    answers = await cut_off(slow_server, b"", byte=b"")
    assert all(answer.startswith(TIMED_OUT) for answer in answers), answers
    assert_quiet(slow_server)


async def test_a_kept_alive_connection_gets_the_deadline_for_each_request(
    slow_server: Server,
) -> None:
    """One honest request, then the next one's headers trickle on the same connection."""
    async with asyncio.timeout(GIVE_UP_AFTER_SECONDS):
        answer = await trickle(slow_server, TYPENAME + HEADERS_TRICKLE)
    first, _, rest = answer.partition(b"HTTP/1.1 408 ")
    assert first.startswith(b"HTTP/1.1 200 ") and b"Query" in first, answer
    assert rest, answer
    assert_quiet(slow_server)


async def test_an_abandoned_body_is_not_an_error(slow_server: Server) -> None:
    for _ in range(5):
        _, writer = await asyncio.open_connection(slow_server.host, slow_server.port)
        writer.write(BODY_TRICKLE + b'"query": ')
        await writer.drain()
        writer.close()
        await writer.wait_closed()
    await honest_answers(slow_server)
    departed = "a client left before its request body was complete"
    for _ in range(TIMEOUT * 10):  # the server logs each departure as it notices it
        if slow_server.log().count(departed) >= 5:
            break
        await asyncio.sleep(0.1)
    assert slow_server.log().count(departed) >= 5
    assert_quiet(slow_server)


async def test_an_idle_kept_alive_connection_is_closed_by_the_client_first(
    slow_server: Server,
) -> None:
    """A connection left idle as long as the client keeps one still answers (had the
    server closed it then, a request sent on it would be reset: uvicorn's default tied
    httpx's), and one left idle past HTTP_KEEP_ALIVE_SECONDS is closed."""
    reader, writer = await asyncio.open_connection(slow_server.host, slow_server.port)
    try:
        answers = []
        for idle in (0.0, CLIENT_IDLE_SECONDS - 0.2, CLIENT_IDLE_SECONDS + 0.2):
            await asyncio.sleep(idle)
            writer.write(TYPENAME)
            await writer.drain()
            answers.append(await asyncio.wait_for(reader.readuntil(b'Query"}}'), TIMEOUT))
        async with asyncio.timeout(KEEP_ALIVE_SECONDS + TIMEOUT):
            closed = await reader.read()
    finally:
        writer.close()
    assert all(answer.startswith(b"HTTP/1.1 200 ") for answer in answers), answers
    assert closed == b""
