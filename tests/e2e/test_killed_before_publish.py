"""An instance killed (`kill -9`) after a bet's commit and before its publish (SPEC §10,
§16): the client's retry, on another instance with the same idempotency key, is answered
from the stored answer and announces the bet first, so a subscriber on the other
instance hears it — once, however often the client retries.

To kill the instance in that window every time rather than by luck, its Redis
connections pass through a gate in this process that forwards everything until it
sees the publish of the player's events (the script names the player's journal
stream), and holds that: the bet has committed (events are published after the
commit) and will never be published; the instance is killed at once, well before its
Redis timeout could make the outbox keep the events for its relay.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import make_url
from websockets.asyncio.client import connect

from casino_club.live.events import user_channel
from tests.conftest import Backend
from tests.e2e.conftest import start_server
from tests.e2e.test_http_and_websocket import TIMEOUT, signup_player, ws_url
from tests.support import row_id

pytestmark = pytest.mark.e2e

QUIET_SECONDS = 0.5
BALANCE = "subscription { balanceChanged { id gold delta reason } }"
SPIN = (
    "mutation S($input: SlotSpinInput!) { slotSpin(input: $input) { __typename "
    "... on SlotSpinSuccess { roundId balance replayed } } }"
)


class RedisGate:
    """A TCP relay to Redis that holds, for good, a connection once it carries `marker`."""

    def __init__(self, redis_url: str) -> None:
        target = urlsplit(redis_url)
        self._target = (target.hostname or "127.0.0.1", target.port or 6379)
        self._database = target.path
        self.marker: bytes | None = None
        self.held = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        port = self._server.sockets[0].getsockname()[1]
        return f"redis://127.0.0.1:{port}{self._database}"

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[RedisGate]:
        self._server = await asyncio.start_server(self._connected, "127.0.0.1", 0)
        try:
            yield self
        finally:
            self._server.close()
            for task in self._tasks:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _connected(self, client_in: asyncio.StreamReader, client_out: Any) -> None:
        server_in, server_out = await asyncio.open_connection(*self._target)
        for pump in (
            self._pump(client_in, server_out, watch=True),
            self._pump(server_in, client_out),
        ):
            task = asyncio.create_task(pump)
            self._tasks.add(task)

    async def _pump(self, source: asyncio.StreamReader, sink: Any, watch: bool = False) -> None:
        with contextlib.suppress(ConnectionError):
            while chunk := await source.read(65536):
                if watch and self.marker is not None and self.marker in chunk:
                    self.held.set()
                    await asyncio.Event().wait()  # never forwarded
                sink.write(chunk)
                await sink.drain()
        sink.close()


async def ledger_rows(backend: Backend, user_id: int) -> list[tuple[int, int, str]]:
    """The player's ledger rows after the sign-up bonus: (delta, gold, reason)."""
    dsn = make_url(backend.database_url).set(drivername="postgresql")
    connection = await asyncpg.connect(dsn.render_as_string(hide_password=False), timeout=5)
    try:
        rows = await connection.fetch(
            "SELECT amount, balance_after, reason FROM ledger_entries"
            " WHERE user_id = $1 ORDER BY id",
            user_id,
        )
    finally:
        await connection.close()
    return [(row["amount"], row["balance_after"], row["reason"]) for row in rows][1:]


class Heard:
    """What a subscriber heard: (delta, gold, reason) of each balance event."""

    def __init__(self) -> None:
        self.events: list[tuple[int, int, str]] = []
        self.more = asyncio.Event()

    async def at_least(self, count: int) -> None:
        while len(self.events) < count:
            self.more.clear()
            await self.more.wait()


async def listen(url: str, token: str, heard: Heard) -> None:
    async with connect(ws_url(url), subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        init = {"authorization": f"Bearer {token}"}
        await ws.send(json.dumps({"type": "connection_init", "payload": init}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": BALANCE}}))
        async for raw in ws:
            message = json.loads(raw)
            if message["type"] == "next":
                event = message["payload"]["data"]["balanceChanged"]
                heard.events.append((event["delta"], event["gold"], event["reason"]))
                heard.more.set()


async def spin(url: str, token: str, key: str) -> dict[str, Any]:
    body = {"query": SPIN, "variables": {"input": {"stake": 10, "idempotencyKey": key}}}
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=url, timeout=TIMEOUT) as http:
        response = await http.post("/graphql", json=body, headers=headers)
    response.raise_for_status()
    result: dict[str, Any] = response.json()["data"]["slotSpin"]
    return result


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_a_bet_whose_instance_died_before_publishing_is_announced_by_its_retry(
    backend: Backend, tmp_path: Path
) -> None:
    async with RedisGate(backend.redis_url).running() as gate:
        through_gate = {"REDIS_URL": gate.url, "BROADCAST_URL": gate.url}
        # Started in threads: the gate runs on this loop, which must keep serving.
        servers = contextlib.ExitStack()
        try:
            doomed, survivor = await asyncio.gather(
                asyncio.to_thread(
                    servers.enter_context, start_server(backend, tmp_path, **through_gate)
                ),
                asyncio.to_thread(servers.enter_context, start_server(backend, tmp_path)),
            )
            player = await signup_player(survivor.url)
            token, user_id = player["accessToken"], row_id(player["user"]["id"])
            heard = Heard()
            listening = asyncio.create_task(listen(survivor.url, token, heard))
            try:
                await asyncio.sleep(QUIET_SECONDS)  # subscribed
                gate.marker = f"events:{user_channel(user_id)}".encode()
                first = asyncio.create_task(spin(doomed.url, token, "the-spin"))
                async with asyncio.timeout(TIMEOUT):
                    await gate.held.wait()
                doomed.process.kill()
                await asyncio.to_thread(doomed.process.wait)
                with pytest.raises(httpx.TransportError):
                    await first  # never answered

                rows = await ledger_rows(backend, user_id)
                assert rows and rows[0][2] == "SLOT_BET", "the killed instance committed it"
                await asyncio.sleep(QUIET_SECONDS)
                assert heard.events == [], "and never published it"

                retried = await spin(survivor.url, token, "the-spin")
                assert retried["__typename"] == "SlotSpinSuccess" and retried["replayed"]
                async with asyncio.timeout(TIMEOUT):
                    await heard.at_least(len(rows))
                again = await spin(survivor.url, token, "the-spin")
                assert again == retried
                await asyncio.sleep(QUIET_SECONDS)
                assert heard.events == rows
                assert await ledger_rows(backend, user_id) == rows  # one spin, once
            finally:
                listening.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await listening
        finally:
            await asyncio.to_thread(servers.close)
