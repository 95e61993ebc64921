"""Live events: `memory://` in embedded mode, Redis pub/sub in production.

Publishing goes through the journal (journal.py), which gives each event its id
and keeps it for replays; subscribing returns an `EventStream` (stream.py) that
replays from `since`, then delivers live, each event once.

Delivery in this process is ours (`Fanout`), not broadcaster's `Broadcast`, whose
`subscribe` records a channel's subscribers after an `await`: two first subscribers of a
channel that arrive together overwrite each other and one hears nothing. Here the
backend's SUBSCRIBE/UNSUBSCRIBE run one at a time under a lock, each channel is
subscribed upstream once while anyone here listens and unsubscribed when the last one
leaves, and messages go straight into each subscriber's bounded `EventStream`. The
backends keep broadcaster's interface (`BroadcastBackend`): its `MemoryBackend`, and
`RedisPubSubBackend` (redis_pubsub.py) on one eagerly connected pub/sub connection — or
on a Redis Cluster `ShardedPubSubBackend`, over sharded pub/sub — which also tells when
it came back after a loss (`RESUMED`): every stream then reads what it missed from the
journal.

Every channel is named by a hash tag (`{u:42}`, `{monitor}`, …): on a Cluster a
channel's journal stream and its pub/sub channel then share a slot, as the journal's
script needs, and a player's channel shares the slot of the player's other keys.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from broadcaster._backends.base import BroadcastBackend
from broadcaster._backends.memory import MemoryBackend

from casino_club.live.journal import (
    NO_EVENT,
    Batch,
    EventId,
    Journal,
    RingJournal,
    StreamJournal,
    event_id_text,
)
from casino_club.live.redis_pubsub import (
    RESUMED_CHANNEL,
    RedisPubSubBackend,
    ShardedPubSubBackend,
)
from casino_club.live.stream import PAGE_SIZE, RESUMED, EventStream, ReplayUnavailable
from casino_club.persistence.redis_client import RedisTimeouts, player_tag

log = logging.getLogger(__name__)

# An id this far (ms) past the server's clock was never given out.
FUTURE_SLACK_MS = 1000


class UnknownEventId(ValueError):
    """`since` names an event later than any published: not an id this server gave."""


@dataclass(frozen=True)
class Replay:
    """How much of each channel is kept for subscribers who come back (SPEC §10)."""

    window_seconds: float = 300.0
    max_events: int = 2000


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

    async def _listen(self) -> None:
        """The one reader of the backend: it must outlive any one bad message, or every
        subscription of this process would go quiet."""
        while True:
            published = await self._backend.next_published()
            if published.channel == RESUMED_CHANNEL:
                for everyone in list(self._streams.values()):
                    for stream in list(everyone):
                        stream.offer(RESUMED)
                continue
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
        self,
        url: str,
        channel_prefix: str = "",
        timeouts: RedisTimeouts | None = None,
        replay: Replay | None = None,
        cluster: bool = False,
    ) -> None:
        replay = replay or Replay()
        self._journal: Journal
        self._redis_backend: RedisPubSubBackend | ShardedPubSubBackend | None = None
        if url.startswith(("redis://", "rediss://")):
            redis_backend = (
                ShardedPubSubBackend(url, timeouts or RedisTimeouts())
                if cluster
                else RedisPubSubBackend(url, timeouts or RedisTimeouts())
            )
            self._journal = StreamJournal(
                redis_backend.commands,
                channel_prefix,
                replay.max_events,
                replay.window_seconds,
                sharded=cluster,
            )
            self._backend: BroadcastBackend = redis_backend
            self._redis_backend = redis_backend
        else:
            memory_backend = MemoryBackend(url)
            self._journal = RingJournal(
                memory_backend, channel_prefix, replay.max_events, replay.window_seconds
            )
            self._backend = memory_backend
        self._fanout = Fanout(self._backend)
        self._prefix = channel_prefix

    async def connect(self) -> None:
        await self._fanout.connect()

    async def disconnect(self) -> None:
        await self._fanout.disconnect()

    @property
    def healthy(self) -> bool:
        backend = self._redis_backend
        return backend is None or backend.connected

    def generation(self) -> int | None:
        """How many times delivery (re)started; None while it is down. In memory,
        delivery never stops."""
        backend = self._redis_backend
        if backend is None:
            return 0
        return backend.generation if backend.connected else None

    async def publish(self, channel: str, *events: dict[str, Any]) -> None:
        """Send events as one message: one round trip, and they arrive together, in order,
        each with its id."""
        await self._journal.publish([(channel, events)])

    async def publish_all(
        self, batches: Sequence[Batch], key: str | None = None, retry: bool = False
    ) -> None:
        """Several channels' events in one round trip (each channel's as one message).
        A retry of a keyed publish skips each channel that has its part already."""
        await self._journal.publish(batches, key, retry)

    @contextlib.asynccontextmanager
    async def subscribe(
        self, channel: str, since: EventId | None = None, snapshot: int = 0
    ) -> AsyncIterator[EventStream]:
        """The channel's events: those after `since` still kept (the window) — or without
        `since`, the newest `snapshot` kept — then live.

        Subscribed before the journal is read, so nothing published in between is
        missed (what both give is delivered once). Raises UnknownEventId for a `since`
        this server never gave out.
        """
        async with self._fanout.subscribe(self._prefix + channel) as stream:
            await self._begin(stream, channel, since, snapshot)
            yield stream

    async def _begin(
        self, stream: EventStream, channel: str, since: EventId | None, snapshot: int
    ) -> None:
        """Tell a new stream where its subscriber stands and what the journal has for it."""

        async def read_after(after: EventId) -> list[dict[str, Any]]:
            return (await self._journal.read(channel, after, PAGE_SIZE)).events

        try:
            wanted = since is None and snapshot > 0
            newest = await self._journal.latest(channel, snapshot) if wanted else []
            page = await self._journal.read(channel, since, PAGE_SIZE)
        except Exception as error:
            # Redis away. Asked for what it missed, the subscriber must come back later;
            # otherwise it hears live events once Redis is back, from where it stands
            # then (not known now: a resumption it cannot catch up from ends the stream).
            log.warning("reading the event journal failed: %r", error)
            if since is not None:
                raise ReplayUnavailable from error
            stream.begin(read_after, None, [])
            return
        if since is not None and since[0] > page.now_ms + FUTURE_SLACK_MS:
            raise UnknownEventId(event_id_text(since))
        if newest:  # the subscriber has seen nothing before the snapshot
            stream.begin(read_after, NO_EVENT, newest)
        else:
            stream.begin(read_after, since or page.last, page.events)

    async def settled(self) -> None:
        """Once every subscriber that left is unsubscribed upstream."""
        await self._fanout.settled()

    def subscribed_upstream(self) -> frozenset[str]:
        """Channels (without the prefix) this process is subscribed to upstream."""
        cut = len(self._prefix)
        return frozenset(channel[cut:] for channel in self._fanout.upstream())


def user_channel(user_id: int) -> str:
    """The player's events: named by the player's hash tag."""
    return player_tag(user_id)


# Every game event of every player, for operators (monitorEvents).
MONITOR_CHANNEL = "{monitor}"
# Notifications for every player.
BROADCAST_CHANNEL = "{broadcast}"


def crash_channel(round_id: int) -> str:
    return f"{{crash:{round_id}}}"
