"""Live events: `memory://` in embedded mode, Redis pub/sub in production.

Delivery in this process is ours (`Fanout`), not broadcaster's `Broadcast`, whose
`subscribe` records a channel's subscribers after an `await`: two first subscribers of a
channel that arrive together overwrite each other and one hears nothing. Here the
backend's SUBSCRIBE/UNSUBSCRIBE run one at a time under a lock, each channel is
subscribed upstream once while anyone here listens and unsubscribed when the last one
leaves, and messages go straight into each subscriber's bounded `EventStream`. The
backends keep broadcaster's interface (`BroadcastBackend`): its `MemoryBackend`, and
`RedisPubSubBackend` (redis_pubsub.py) on one eagerly connected pub/sub connection.

A subscriber too slow to keep up — more than QUEUE_SIZE events behind, or none taken for
STALL_SECONDS while some wait — is ended with `SubscriptionOverflow` rather than grow
server memory without limit; it should resubscribe.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import AsyncIterator
from typing import Any

import orjson
from broadcaster._backends.base import BroadcastBackend
from broadcaster._backends.memory import MemoryBackend

from casino_club.persistence.redis_client import RedisTimeouts
from casino_club.redis_pubsub import RedisPubSubBackend

log = logging.getLogger(__name__)

QUEUE_SIZE = 64
STALL_SECONDS = 10.0


class SubscriptionOverflow(Exception):
    """The subscriber fell too far behind (QUEUE_SIZE events, or STALL_SECONDS)."""


class EventStream:
    """What one subscription reads: decoded events, in order, boundedly."""

    def __init__(self, limit: int = QUEUE_SIZE, stall_seconds: float = STALL_SECONDS) -> None:
        self._limit = limit
        self._stall_seconds = stall_seconds
        self._pending: deque[tuple[float, dict[str, Any]]] = deque()
        self._ready = asyncio.Event()
        self._last_taken = time.monotonic()
        self._ended = False

    def offer(self, event: dict[str, Any]) -> bool:
        """Queue an event; False once the reader has fallen too far behind (it then reads
        what is queued, and SubscriptionOverflow after it)."""
        if self._ended:
            return False
        now = time.monotonic()
        waiting = bool(self._pending) and (
            now - max(self._pending[0][0], self._last_taken) > self._stall_seconds
        )
        if waiting or len(self._pending) >= self._limit:
            self._ended = True
            self._ready.set()
            return False
        self._pending.append((now, event))
        self._ready.set()
        return True

    async def _take(self) -> dict[str, Any]:
        while not self._pending:
            if self._ended:
                raise SubscriptionOverflow
            self._ready.clear()
            await self._ready.wait()
        self._last_taken = time.monotonic()
        return self._pending.popleft()[1]

    async def next(self, within: float) -> dict[str, Any] | None:
        """The next event, or None if none arrives within `within` seconds.

        For readers that also keep time (crash ticks): unlike cancelling the iterator,
        a timeout here leaves the stream usable (nothing is taken until it is returned).
        """
        try:
            return await asyncio.wait_for(self._take(), max(within, 0.0))
        except TimeoutError:
            return None

    def __aiter__(self) -> AsyncIterator[dict[str, Any]]:
        return self._events()

    async def _events(self) -> AsyncIterator[dict[str, Any]]:
        while True:
            yield await self._take()


class Fanout:
    """This process's subscribers per channel, over one backend subscription each."""

    def __init__(self, backend: BroadcastBackend) -> None:
        self._backend = backend
        self._streams: dict[str, set[EventStream]] = {}
        self._upstream: set[str] = set()  # channels the backend is subscribed to
        self._changing = asyncio.Lock()
        self._listener: asyncio.Task[None] | None = None
        self._leaving: set[asyncio.Task[None]] = set()

    async def connect(self) -> None:
        await self._backend.connect()
        self._listener = asyncio.create_task(self._listen())

    async def disconnect(self) -> None:
        for task in [self._listener, *self._leaving]:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await self._backend.disconnect()

    async def publish(self, channel: str, message: str) -> None:
        await self._backend.publish(channel, message)

    async def _listen(self) -> None:
        """The one reader of the backend: it must outlive any one bad message, or every
        subscription of this process would go quiet."""
        while True:
            published = await self._backend.next_published()
            streams = self._streams.get(published.channel)
            if not streams:
                continue
            try:
                events = orjson.loads(published.message)
                assert isinstance(events, list)
            except (orjson.JSONDecodeError, AssertionError):
                log.error("dropped a malformed message on %s", published.channel)
                continue
            for stream in list(streams):
                for event in events:
                    if not stream.offer(event):
                        break

    @contextlib.asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[EventStream]:
        stream = EventStream()
        async with self._changing:
            if channel not in self._upstream:
                await self._backend.subscribe(channel)
                self._upstream.add(channel)
            self._streams.setdefault(channel, set()).add(stream)
        try:
            yield stream
        finally:
            # No await here: a cancelled subscriber still leaves at once. The upstream
            # UNSUBSCRIBE follows in order with every other change (`_leave`).
            streams = self._streams.get(channel, set())
            streams.discard(stream)
            if not streams:
                self._streams.pop(channel, None)
                task = asyncio.create_task(self._leave(channel))
                self._leaving.add(task)
                task.add_done_callback(self._leaving.discard)

    async def _leave(self, channel: str) -> None:
        async with self._changing:
            if channel in self._upstream and channel not in self._streams:
                self._upstream.discard(channel)
                await self._backend.unsubscribe(channel)

    def upstream(self) -> frozenset[str]:
        """The channels subscribed upstream now."""
        return frozenset(self._upstream)

    async def settled(self) -> None:
        """Once the UNSUBSCRIBEs of subscribers that have left are done."""
        while self._leaving:
            await asyncio.gather(*self._leaving, return_exceptions=True)


class EventBus:
    def __init__(
        self, url: str, channel_prefix: str = "", timeouts: RedisTimeouts | None = None
    ) -> None:
        self._backend: BroadcastBackend = (
            RedisPubSubBackend(url, timeouts or RedisTimeouts())
            if url.startswith(("redis://", "rediss://"))
            else MemoryBackend(url)
        )
        self._fanout = Fanout(self._backend)
        self._prefix = channel_prefix

    async def connect(self) -> None:
        await self._fanout.connect()

    async def disconnect(self) -> None:
        await self._fanout.disconnect()

    @property
    def healthy(self) -> bool:
        backend = self._backend
        return not isinstance(backend, RedisPubSubBackend) or backend.connected

    def generation(self) -> int | None:
        """How many times delivery (re)started; None while it is down. In memory,
        delivery never stops."""
        backend = self._backend
        if not isinstance(backend, RedisPubSubBackend):
            return 0
        return backend.generation if backend.connected else None

    async def publish(self, channel: str, *events: dict[str, Any]) -> None:
        """Send events as one message: one round trip, and they arrive together, in order."""
        await self._fanout.publish(self._prefix + channel, orjson.dumps(events).decode())

    @contextlib.asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[EventStream]:
        async with self._fanout.subscribe(self._prefix + channel) as stream:
            yield stream

    async def settled(self) -> None:
        """Once every subscriber that left is unsubscribed upstream."""
        await self._fanout.settled()

    def subscribed_upstream(self) -> frozenset[str]:
        """Channels (without the prefix) this process is subscribed to upstream."""
        cut = len(self._prefix)
        return frozenset(channel[cut:] for channel in self._fanout.upstream())


def user_channel(user_id: int) -> str:
    return f"user:{user_id}"


def crash_channel(round_id: int) -> str:
    return f"crash:{round_id}"
