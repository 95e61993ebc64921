"""Redis pub/sub as a broadcaster backend (production mode's live events), on one
Redis (`RedisPubSubBackend`) or on a Redis Cluster (`ShardedPubSubBackend`).

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
from collections import Counter
from typing import Any

from broadcaster import Event
from broadcaster._backends.base import BroadcastBackend
from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.asyncio.cluster import ClusterNode, RedisCluster
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisClusterException, RedisError

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
        if confirmed is not None:
            await _confirmation(self._confirming, channel, confirmed, self._confirm_seconds)

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


class _Shard:
    """One node's pub/sub connection, and the task reading it."""

    def __init__(self, client: Redis) -> None:
        self.client = client
        self.pubsub: PubSub = client.pubsub()
        self.reader: asyncio.Task[None] | None = None

    async def close(self) -> None:
        if self.reader is not None:
            self.reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.reader
        with contextlib.suppress(RedisError, OSError):
            await self.pubsub.aclose()  # type: ignore[no-untyped-call]
        with contextlib.suppress(RedisError, OSError):
            await self.client.aclose()


class ShardedPubSubBackend(BroadcastBackend):
    """Redis Cluster mode: sharded pub/sub, each channel SSUBSCRIBEd on the node owning
    its slot, so an event travels to that node and its subscribers only (plain PUBLISH
    on a Cluster is copied to every node).

    redis-py 7's asyncio client has no sharded pub/sub of its own (SPEC §15), so this
    keeps one pub/sub connection per node that has channels here, connected as a channel
    first needs it, each read by a task of its own that hands messages on to
    `next_published`. The node comes from the Cluster client's slot map. As with one
    Redis, SSUBSCRIBE/SUNSUBSCRIBE go one at a time and a subscription is confirmed
    before `subscribe` returns. Any loss — a node's connection failing, or a node
    dropping a channel unasked (SUNSUBSCRIBE: its slot moved, in a reshard or failover) —
    is handled as one: every connection is closed, the slot map read again, every channel
    subscribed where its slot lives now, and `next_published` says RESUMED, so streams
    read what they missed from the journal.
    """

    def __init__(self, url: str, timeouts: RedisTimeouts) -> None:
        self._changing = asyncio.Lock()
        self._channels: set[str] = set()
        self._confirming: dict[str, asyncio.Event] = {}
        # SUNSUBSCRIBEs sent and not yet confirmed, by channel: any other is a loss.
        self._leaving: Counter[str] = Counter()
        self._timeouts = timeouts
        self._tls = url.startswith("rediss://")
        self._cluster: RedisCluster = timeouts.cluster_client(url)
        # Publishing (the journal's script) goes through the Cluster client.
        self.commands = CommandBatcher(self._cluster)
        self._shards: dict[str, _Shard] = {}  # by node name (host:port)
        # Messages heard, by the generation that heard them; None: that generation lost.
        self._heard: asyncio.Queue[tuple[int, Event | None]] = asyncio.Queue()
        self.connected = False
        self.generation = 0

    async def connect(self) -> None:
        """Learn the slot map now; the nodes' pub/sub connections open as channels need
        them. If no node answers, the listener connects once one does."""
        try:
            await self._cluster.initialize()
        except (RedisError, RedisClusterException, OSError) as exc:
            log.warning("redis cluster unreachable at start: %s", type(exc).__name__)
            self.connected = False
            return
        self.connected = True
        self.generation += 1

    async def disconnect(self) -> None:
        await self._close_shards()
        await self._cluster.aclose()

    async def subscribe(self, channel: str) -> None:
        """Returns once the channel's node has confirmed the subscription (or, that not
        within the socket timeout, anyway: the listener subscribes on reconnecting)."""
        confirmed: asyncio.Event | None = None
        async with self._changing:
            self._channels.add(channel)
            if self.connected:
                confirmed = self._confirming.setdefault(channel, asyncio.Event())
                try:
                    shard = await self._shard_of(channel)
                    await shard.pubsub.execute_command("SSUBSCRIBE", channel)
                except (RedisError, OSError) as error:
                    self._lose(self.generation, error)
                    confirmed = None
        if confirmed is not None:
            await _confirmation(self._confirming, channel, confirmed, self._timeouts.socket_seconds)

    async def unsubscribe(self, channel: str) -> None:
        async with self._changing:
            self._channels.discard(channel)
            if not self.connected:
                return
            with contextlib.suppress(RedisError, OSError):
                shard = self._shards.get(self._node(channel).name)
                if shard is not None:
                    self._leaving[channel] += 1
                    await shard.pubsub.execute_command("SUNSUBSCRIBE", channel)

    async def publish(self, channel: str, message: Any) -> None:
        await self.commands.execute("SPUBLISH", channel, message)

    async def next_published(self) -> Event:
        while True:
            if not self.connected:
                await retry(
                    self._reconnect,
                    backoff(0.1, cap=RECONNECT_MAX_SECONDS),
                    on=(RedisError, RedisClusterException, OSError),
                    failed=lambda _, error: self._lose(self.generation, error),
                )
                return Event(channel=RESUMED_CHANNEL, message="")
            generation, published = await self._heard.get()
            if published is not None and generation == self.generation:
                return published

    def _node(self, channel: str) -> ClusterNode:
        node = self._cluster.get_node_from_key(channel)
        if node is None:  # the slot map has a hole: read it again
            raise RedisError(f"no node serves the slot of {channel}")
        return node

    async def _shard_of(self, channel: str) -> _Shard:
        """The pub/sub connection to the node owning the channel's slot (opened now if
        there is none yet)."""
        node = self._node(channel)
        shard = self._shards.get(node.name)
        if shard is not None:
            return shard
        kwargs = self._cluster.get_connection_kwargs()
        shard = _Shard(
            Redis(
                host=node.host,
                port=int(node.port),
                username=kwargs.get("username"),
                password=kwargs.get("password"),
                ssl=self._tls,
                socket_connect_timeout=self._timeouts.connect_seconds,
                socket_timeout=self._timeouts.socket_seconds,
                # No quiet reconnection by redis-py: it would resubscribe only channels
                # of its own SUBSCRIBE, so this connection would come back deaf. A loss
                # must reach `_read`, which has everything resubscribed and resumed.
                retry=Retry(NoBackoff(), 0),
            )
        )
        await shard.pubsub.connect()  # type: ignore[no-untyped-call]
        shard.reader = asyncio.create_task(self._read(shard, self.generation))
        self._shards[node.name] = shard
        return shard

    async def _read(self, shard: _Shard, generation: int) -> None:
        try:
            while True:
                message = await shard.pubsub.get_message(timeout=1.0)
                if message is None:
                    continue
                kind, channel = message["type"], text(message["channel"])
                if kind == "smessage":
                    event = Event(channel=channel, message=text(message["data"]))
                    self._heard.put_nowait((generation, event))
                elif kind == "ssubscribe":
                    confirmed = self._confirming.get(channel)
                    if confirmed is not None:
                        confirmed.set()
                elif kind == "sunsubscribe" and self._leaving[channel]:
                    self._leaving[channel] -= 1
                    if not self._leaving[channel]:
                        del self._leaving[channel]
                elif kind == "sunsubscribe":
                    self._lose(generation, RedisError(f"{channel}: its slot moved"))
                    return
        except (RedisError, OSError) as error:
            self._lose(generation, error)

    def _lose(self, generation: int, error: BaseException) -> None:
        """Delivery of `generation` stopped: the listener reconnects everything."""
        if generation != self.generation or not self.connected:
            return
        log.warning("redis sharded pub/sub lost: %s", type(error).__name__)
        self.connected = False
        self._heard.put_nowait((generation, None))

    async def _close_shards(self) -> None:
        shards, self._shards = list(self._shards.values()), {}
        for shard in shards:
            await shard.close()
        self._leaving.clear()

    async def _reconnect(self) -> None:
        async with self._changing:
            await self._close_shards()
            # The slot map as the Cluster has it now (a node may have failed over).
            await self._cluster.nodes_manager.initialize()
            self.generation += 1
            self.connected = True
            by_node: dict[str, list[str]] = {}
            for channel in self._channels:
                by_node.setdefault(self._node(channel).name, []).append(channel)
            for channels in by_node.values():
                shard = await self._shard_of(channels[0])
                await shard.pubsub.execute_command("SSUBSCRIBE", *channels)
        log.info("redis sharded pub/sub resubscribed to %d channels", len(self._channels))


async def _confirmation(
    confirming: dict[str, asyncio.Event], channel: str, confirmed: asyncio.Event, seconds: float
) -> None:
    """Wait for the listener to read the subscription's confirmation, at most `seconds`
    (unconfirmed, the subscriber goes on: the listener subscribes on reconnecting)."""
    try:
        await asyncio.wait_for(confirmed.wait(), seconds)
    except TimeoutError:
        log.warning("redis did not confirm a subscription in time")
    finally:
        if confirming.get(channel) is confirmed:
            del confirming[channel]
