"""Redis pub/sub as a broadcaster backend (production mode's live events).

Why not broadcaster's own Redis backend: with redis-py ≥ 8 it delivers nothing, and after
a Redis disconnect its listener dies silently (SPEC §15). This one is built on
`redis.asyncio` pub/sub over one connection per process, connected eagerly, its
commands one at a time; it reconnects with back-off and resubscribes, so subscriptions
resume when Redis returns. Messages are JSON strings, as in memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from broadcaster import Event
from broadcaster._backends.base import BroadcastBackend
from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.exceptions import RedisError

from casino_club.persistence.redis_batch import CommandBatcher, text
from casino_club.persistence.redis_client import RedisTimeouts
from casino_club.retries import backoff, retry

log = logging.getLogger(__name__)

RECONNECT_MAX_SECONDS = 5.0
# `next_published` returns an event on this (no real) channel when it has resubscribed
# after a loss: whatever was published meanwhile never reached this connection.
RESUMED_CHANNEL = ""


class RedisPubSubBackend(BroadcastBackend):
    def __init__(self, url: str, timeouts: RedisTimeouts) -> None:
        # SUBSCRIBE, UNSUBSCRIBE and a reconnection's resubscribe go one at a time: the
        # connection is one, and redis-py's PubSub is not safe for concurrent commands.
        self._changing = asyncio.Lock()
        self._channels: set[str] = set()
        self._has_channels = asyncio.Event()
        # SUBSCRIBEs sent and not yet confirmed, by channel (see `subscribe`).
        self._confirming: dict[str, asyncio.Event] = {}
        self._confirm_seconds = timeouts.socket_seconds
        self._redis: Redis = timeouts.client(url)
        # Publishing (the journal's script) shares the client, not the pub/sub connection.
        self.commands = CommandBatcher(self._redis)
        self._pubsub: PubSub | None = None
        self.connected = False
        # Counts (re)connections: a message published while down is lost, and whoever
        # relies on every message (the session cache) must know there was a gap.
        self.generation = 0

    async def connect(self) -> None:
        """Connect the pub/sub connection now, not at the first SUBSCRIBE: redis-py
        connects lazily, and first SUBSCRIBEs that arrive together each open a connection
        of their own (only the last is read; the others stay subscribed for ever). If
        Redis is down, the listener connects once it is back."""
        self._pubsub = self._redis.pubsub()
        try:
            await self._pubsub.connect()  # type: ignore[no-untyped-call]
        except (RedisError, OSError) as exc:
            log.warning("redis pub/sub unreachable at start: %s", type(exc).__name__)
            self.connected = False
            return
        self.connected = True
        self.generation += 1

    async def disconnect(self) -> None:
        if self._pubsub is not None:
            with contextlib.suppress(RedisError, OSError):
                await self._pubsub.aclose()  # type: ignore[no-untyped-call]
        await self._redis.aclose()

    async def subscribe(self, channel: str) -> None:
        """Returns once Redis has confirmed the subscription (the listener reads the
        confirmation), so whatever is published after it is heard: a subscriber that
        then reads the journal misses nothing in between. Unconfirmed within the socket
        timeout (Redis away), it returns anyway; the listener subscribes on reconnecting."""
        confirmed: asyncio.Event | None = None
        async with self._changing:
            self._channels.add(channel)
            if self.connected:
                confirmed = self._confirming.setdefault(channel, asyncio.Event())
                try:
                    await self._live_pubsub().subscribe(channel)
                except (RedisError, OSError):
                    # The listener reconnects and subscribes to every wanted channel.
                    self.connected = False
                    confirmed = None
        # Only now: reading before the first SUBSCRIBE has a connection raises.
        self._has_channels.set()
        if confirmed is None:
            return
        try:
            await asyncio.wait_for(confirmed.wait(), self._confirm_seconds)
        except TimeoutError:
            log.warning("redis did not confirm a subscription in time")
        finally:
            if self._confirming.get(channel) is confirmed:
                del self._confirming[channel]

    async def unsubscribe(self, channel: str) -> None:
        async with self._changing:
            self._channels.discard(channel)
            if self.connected:
                with contextlib.suppress(RedisError, OSError):
                    await self._live_pubsub().unsubscribe(channel)

    async def publish(self, channel: str, message: Any) -> None:
        """Published with whatever else this process publishes in the same loop turn."""
        await self.commands.execute("PUBLISH", channel, message)

    async def next_published(self) -> Event:
        while True:
            await self._has_channels.wait()
            published = await retry(
                self._receive,
                backoff(0.1, cap=RECONNECT_MAX_SECONDS),
                on=(RedisError, OSError),
                failed=self._lost,
            )
            if published is not None:
                return published

    async def _receive(self) -> Event | None:
        """The next message published, or None (nothing within a second, or Redis
        confirmed a subscription); after a loss, first reconnects and says so (RESUMED)."""
        if not self.connected:
            await self._reconnect()
            return Event(channel=RESUMED_CHANNEL, message="")
        message = await self._live_pubsub().get_message(timeout=1.0)
        if message is not None and message.get("type") == "subscribe":
            confirmed = self._confirming.get(text(message["channel"]))
            if confirmed is not None:
                confirmed.set()
        elif message is not None and message.get("type") == "message":
            return Event(channel=text(message["channel"]), message=text(message["data"]))
        return None

    def _lost(self, _: int, error: Exception) -> None:
        if self.connected:
            log.warning("redis pub/sub lost: %s", type(error).__name__)
        self.connected = False

    def _live_pubsub(self) -> PubSub:
        assert self._pubsub is not None, "connect() first"
        return self._pubsub

    async def _reconnect(self) -> None:
        async with self._changing:
            if self._pubsub is not None:
                with contextlib.suppress(RedisError, OSError):
                    await self._pubsub.aclose()  # type: ignore[no-untyped-call]
            self._pubsub = self._redis.pubsub()
            await self._pubsub.connect()  # type: ignore[no-untyped-call]
            if self._channels:
                await self._pubsub.subscribe(*self._channels)
            self.connected = True
            self.generation += 1
        log.info("redis pub/sub resubscribed to %d channels", len(self._channels))
