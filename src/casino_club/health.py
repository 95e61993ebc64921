"""`/health`'s checks, timed where the event loop's lateness cannot reach them (SPEC §13).

Timed on the serving loop, a ping answered in a millisecond still "timed out" whenever
the loop was busy for longer than the timeout (an introspection flood made a healthy
database look down after 6.9 s). So the checks run on an event loop of their own, in a
thread of its own, over a connection and a Redis client of their own: a check reports
"down" only when the dependency failed or let its own timeout pass. Concurrent requests
share one check in flight, so a flood of `/health` is one ping at a time.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Coroutine
from concurrent.futures import Future
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from casino_club.config import Settings
from casino_club.persistence.database import create_engine, ping
from casino_club.persistence.redis_client import RedisClient, RedisTimeouts

log = logging.getLogger("casino_club.app")

HEALTH_TIMEOUT_SECONDS = 2.0
# How long closing waits for the probe's connections to close.
CLOSE_TIMEOUT_SECONDS = 5.0

Checks = dict[str, str]


class HealthProbe:
    """Pings the database and Redis from the probe's own thread and event loop."""

    def __init__(self, settings: Settings) -> None:
        # One connection is all a ping needs.
        self._settings = settings.model_copy(
            update={"database_pool_size": 1, "database_max_overflow": 0}
        )
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._engine: AsyncEngine | None = None
        self._redis: RedisClient | None = None
        self._in_flight: asyncio.Future[Checks] | None = None

    def start(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="health-probe", daemon=True
        )
        self._thread.start()

    async def check(self) -> Checks:
        """ "ok" / "down" per dependency ("in-process" for hot state without Redis)."""
        assert self._loop is not None, "the app's lifespan starts the probe"
        if self._in_flight is None or self._in_flight.done():
            checking: Future[Checks] = asyncio.run_coroutine_threadsafe(self._check(), self._loop)
            self._in_flight = asyncio.wrap_future(checking)
        return await asyncio.shield(self._in_flight)

    async def close(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        closing = asyncio.run_coroutine_threadsafe(self._close(), loop)
        try:
            await asyncio.wait_for(asyncio.wrap_future(closing), CLOSE_TIMEOUT_SECONDS)
        finally:
            loop.call_soon_threadsafe(loop.stop)
            await asyncio.to_thread(thread.join, CLOSE_TIMEOUT_SECONDS)
            if not thread.is_alive():
                loop.close()

    async def _check(self) -> Checks:
        """Runs on the probe's loop."""
        settings = self._settings
        checks: Checks = {}
        if self._engine is None:
            self._engine = create_engine(settings)
        checks["database"] = await _outcome("database", ping(self._engine))
        if not settings.uses_redis:
            checks["redis"] = "in-process"
            return checks
        if self._redis is None:
            timeouts = RedisTimeouts(
                settings.redis_connect_timeout_seconds, settings.redis_socket_timeout_seconds
            )
            self._redis = timeouts.client_for(settings.redis_url, settings.redis_cluster)
        checks["redis"] = await _outcome("redis", _redis_ping(self._redis))
        return checks

    async def _close(self) -> None:
        if self._engine is not None:
            await self._engine.dispose()
        if self._redis is not None:
            await self._redis.aclose()


async def _redis_ping(redis: RedisClient) -> None:
    await redis.ping()  # type: ignore[misc]  # redis-py types ping() as sync or async


async def _outcome(name: str, pinging: Coroutine[Any, Any, None]) -> str:
    try:
        await asyncio.wait_for(pinging, HEALTH_TIMEOUT_SECONDS)
    except Exception as exc:
        log.warning("health: %s down: %s", name, type(exc).__name__)
        return "down"
    return "ok"
