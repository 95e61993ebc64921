"""A Redis that stalls, not only one that refuses (SPEC §13): every Redis call has a
timeout, so a server that accepts connections and never answers costs a request its
timeout and a SERVICE_UNAVAILABLE, never a hang, and the rest of the app keeps serving."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from tests.conftest import Backend, api_for, running_app
from tests.support import FAIRNESS, SPIN, error_codes

HANG_GUARD_SECONDS = 20
CONCURRENT_SPINS = 6


@contextlib.asynccontextmanager
async def stalled_server() -> AsyncIterator[int]:
    """A TCP server on a free local port that accepts, reads and discards, never answers."""
    writers: list[asyncio.StreamWriter] = []

    async def swallow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)
        with contextlib.suppress(ConnectionError):
            while await reader.read(65536):
                pass

    server = await asyncio.start_server(swallow, "127.0.0.1", 0)
    port: int = server.sockets[0].getsockname()[1]
    try:
        yield port
    finally:
        server.close()
        for writer in writers:
            writer.close()
        await server.wait_closed()


async def test_a_stalled_redis_answers_service_unavailable_not_a_hang(backend: Backend) -> None:
    async with asyncio.timeout(HANG_GUARD_SECONDS), stalled_server() as port:
        settings = backend.settings(
            redis_url=f"redis://127.0.0.1:{port}/0",
            broadcast_url="memory://",
            redis_socket_timeout_seconds=0.3,
            redis_connect_timeout_seconds=0.3,
        )
        async with running_app(settings) as application, api_for(application) as api:
            player = await api.new_player()  # accounts need only the database
            token = player["accessToken"]
            before = (await api.data(FAIRNESS, token=token))["me"]

            body = await api.execute(
                SPIN, {"input": {"stake": 10, "idempotencyKey": "stalled-1"}}, token=token
            )
            assert body.get("data") in (None, {"slotSpin": None}), body
            assert error_codes(body) == ["SERVICE_UNAVAILABLE"], body

            # Several spins wait on the stalled server at once; meanwhile the app answers
            # queries that need no Redis (the first while those spins are still waiting:
            # nothing blocks the event loop or holds a lock the stalled calls hold).
            spins = [
                asyncio.create_task(
                    api.execute(
                        SPIN,
                        {"input": {"stake": 10, "idempotencyKey": f"stalled-many-{n}"}},
                        token=token,
                    )
                )
                for n in range(CONCURRENT_SPINS)
            ]
            await asyncio.sleep(0)  # let the spins reach the stalled server first
            config = await api.data("{ slotsConfig { rtp } }")
            still_waiting = sum(not spin.done() for spin in spins)
            me = (await api.data(FAIRNESS, token=token))["me"]
            answers = await asyncio.gather(*spins)

            assert config["slotsConfig"]["rtp"] > 0
            assert me == before
            assert still_waiting > 0, "the query waited for the stalled spins"
            assert [error_codes(answer) for answer in answers] == [
                ["SERVICE_UNAVAILABLE"]
            ] * CONCURRENT_SPINS

            # Nothing was charged, no nonce was used.
            assert (await api.data(FAIRNESS, token=token))["me"] == before

            health = await api.client.get("/health")
            assert health.status_code == 503
            assert health.json()["redis"] == "down"
            assert health.json()["database"] == "ok"
