"""Live events over `broadcaster`: `memory://` in embedded mode, Redis pub/sub in production.

Why not broadcaster's own Redis backend: with redis-py ≥ 8 it delivers nothing, and after
a Redis disconnect its listener dies silently (SPEC §15). `RedisPubSubBackend` below is
built on `redis.asyncio` pub/sub, reconnects with back-off and resubscribes, so
subscriptions resume when Redis returns. Messages are always JSON strings, so both
backends deliver the same thing.

Each subscription reads through a bounded queue: a client too slow to keep up is cut off
with `SubscriptionOverflow` instead of growing server memory without limit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import orjson
from broadcaster import Broadcast, Event
from broadcaster._backends.base import BroadcastBackend
from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.exceptions import RedisError

from casino_club.persistence.redis_batch import CommandBatcher
from casino_club.persistence.redis_client import RedisTimeouts

log = logging.getLogger(__name__)

QUEUE_SIZE = 64
RECONNECT_MAX_SECONDS = 5.0


class SubscriptionOverflow(Exception):
    """The subscriber fell more than QUEUE_SIZE events behind."""


class RedisPubSubBackend(BroadcastBackend):
    def __init__(self, url: str, timeouts: RedisTimeouts) -> None:
        self._url = url
        self._timeouts = timeouts
        self._channels: set[str] = set()
        self._has_channels = asyncio.Event()
        self._redis: Redis | None = None
        self._commands: CommandBatcher | None = None
        self._pubsub: PubSub | None = None
        self.connected = False
        # Counts (re)connections: a message published while down is lost, and whoever
        # relies on every message (the session cache) must know there was a gap.
        self.generation = 0

    async def connect(self) -> None:
        self._redis = self._timeouts.client(self._url)
        self._commands = CommandBatcher(self._redis)
        self._pubsub = self._redis.pubsub()
        self.connected = True
        self.generation += 1

    async def disconnect(self) -> None:
        if self._pubsub is not None:
            with contextlib.suppress(RedisError, OSError):
                await self._pubsub.aclose()  # type: ignore[no-untyped-call]
        if self._redis is not None:
            await self._redis.aclose()

    async def subscribe(self, channel: str) -> None:
        self._channels.add(channel)
        try:
            await self._live_pubsub().subscribe(channel)
        except (RedisError, OSError):
            # The listener reconnects and subscribes to every wanted channel.
            self.connected = False
        # Only now: reading before the first SUBSCRIBE has a connection raises.
        self._has_channels.set()

    async def unsubscribe(self, channel: str) -> None:
        self._channels.discard(channel)
        with contextlib.suppress(RedisError, OSError):
            await self._live_pubsub().unsubscribe(channel)

    async def publish(self, channel: str, message: Any) -> None:
        """Published with whatever else this process publishes in the same loop turn."""
        assert self._commands is not None, "connect() first"
        await self._commands.execute("PUBLISH", channel, message)

    async def next_published(self) -> Event:
        delay = 0.1
        while True:
            await self._has_channels.wait()
            try:
                if not self.connected:
                    await self._reconnect()
                message = await self._live_pubsub().get_message(
                    ignore_subscribe_messages=True, timeout=1.0
                )
            except (RedisError, OSError) as exc:
                if self.connected:
                    log.warning("redis pub/sub lost: %s", type(exc).__name__)
                self.connected = False
                await asyncio.sleep(delay)
                delay = min(delay * 2, RECONNECT_MAX_SECONDS)
                continue
            delay = 0.1
            if message is not None and message.get("type") == "message":
                channel, data = message["channel"], message["data"]
                return Event(
                    channel=channel.decode() if isinstance(channel, bytes) else str(channel),
                    message=data.decode() if isinstance(data, bytes) else str(data),
                )

    def _live_pubsub(self) -> PubSub:
        assert self._pubsub is not None, "connect() first"
        return self._pubsub

    async def _reconnect(self) -> None:
        assert self._redis is not None
        if self._pubsub is not None:
            with contextlib.suppress(RedisError, OSError):
                await self._pubsub.aclose()  # type: ignore[no-untyped-call]
        self._pubsub = self._redis.pubsub()
        if self._channels:
            await self._pubsub.subscribe(*self._channels)
        self.connected = True
        self.generation += 1
        log.info("redis pub/sub resubscribed to %d channels", len(self._channels))


class EventStream:
    """What one subscription reads: decoded events, in order, from a bounded queue."""

    def __init__(self) -> None:
        self._queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=QUEUE_SIZE)
        self._overflowed = False

    def offer(self, event: dict[str, Any]) -> bool:
        try:
            self._queue.put_nowait(event)
        except asyncio.QueueFull:
            self._overflowed = True
            return False
        return True

    async def next(self, within: float) -> dict[str, Any] | None:
        """The next event, or None if none arrives within `within` seconds.

        For readers that also keep time (crash ticks): unlike cancelling the iterator,
        a timeout here leaves the stream usable.
        """
        if self._overflowed and self._queue.empty():
            raise SubscriptionOverflow
        try:
            return await asyncio.wait_for(self._queue.get(), max(within, 0.0))
        except TimeoutError:
            return None

    def __aiter__(self) -> AsyncIterator[dict[str, Any]]:
        return self._events()

    async def _events(self) -> AsyncIterator[dict[str, Any]]:
        while True:
            if self._overflowed and self._queue.empty():
                raise SubscriptionOverflow
            yield await self._queue.get()


class EventBus:
    def __init__(
        self, url: str, channel_prefix: str = "", timeouts: RedisTimeouts | None = None
    ) -> None:
        self._backend: BroadcastBackend | None = (
            RedisPubSubBackend(url, timeouts or RedisTimeouts())
            if url.startswith(("redis://", "rediss://"))
            else None
        )
        self._broadcast = Broadcast(backend=self._backend) if self._backend else Broadcast(url)
        self._prefix = channel_prefix

    async def connect(self) -> None:
        await self._broadcast.connect()

    async def disconnect(self) -> None:
        await self._broadcast.disconnect()

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
        await self._broadcast.publish(self._prefix + channel, orjson.dumps(events).decode())

    @contextlib.asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[EventStream]:
        stream = EventStream()
        async with self._broadcast.subscribe(self._prefix + channel) as subscriber:

            async def pump() -> None:
                async for message in subscriber:  # type: ignore[union-attr]
                    if message is None:
                        return
                    for event in orjson.loads(message.message):
                        if not stream.offer(event):
                            return

            task = asyncio.create_task(pump())
            try:
                yield stream
            finally:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task


def user_channel(user_id: int) -> str:
    return f"user:{user_id}"


def crash_channel(round_id: int) -> str:
    return f"crash:{round_id}"
