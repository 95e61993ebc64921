"""Event ids and replay (SPEC §10): every event has an id increasing along its channel;
a subscriber that comes back with `since` gets what it missed within the window, then
live events, with no gap and no duplicate. On the embedded ring and on Redis Streams."""

from __future__ import annotations

import asyncio
import subprocess
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from redis.asyncio import Redis

from casino_club.live.events import EventBus, Replay, UnknownEventId
from casino_club.live.journal import EventId, parse_event_id
from casino_club.live.redis_pubsub import RedisPubSubBackend
from casino_club.live.stream import PAGE_SIZE, EventStream, ReplayUnavailable
from tests.conftest import TEST_REDIS_URL, start_redis
from tests.integration.test_event_bus import TIMEOUT, all_within

BUSES = ["memory://", TEST_REDIS_URL]


@pytest.fixture(params=BUSES, ids=["ring", "redis-stream"])
async def bus(request: pytest.FixtureRequest) -> AsyncIterator[EventBus]:
    bus = EventBus(request.param, f"replay:{uuid.uuid4().hex[:8]}:")
    await bus.connect()
    try:
        yield bus
    finally:
        await bus.disconnect()


def id_of(event: dict[str, Any]) -> EventId:
    parsed = parse_event_id(event["id"])
    assert parsed is not None, event
    return parsed


async def taken(stream: EventStream, count: int) -> list[dict[str, Any]]:
    async with asyncio.timeout(TIMEOUT):
        return [await anext(aiter(stream)) for _ in range(count)]


async def published(bus: EventBus, channel: str, numbers: range) -> list[dict[str, Any]]:
    """Publish {"n": …} one event per message; what a live subscriber heard of them."""
    heard = []
    async with bus.subscribe(channel) as stream:
        for n in numbers:
            await bus.publish(channel, {"n": n})
            heard += await taken(stream, 1)
    return heard


async def test_ids_increase_along_a_channel(bus: EventBus) -> None:
    heard = await published(bus, "user:1", range(20))
    assert [e["n"] for e in heard] == list(range(20))
    ids = [id_of(e) for e in heard]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)


async def test_since_replays_what_followed_then_goes_live(bus: EventBus) -> None:
    heard = await published(bus, "user:1", range(10))
    async with bus.subscribe("user:1", since=id_of(heard[3])) as stream:
        await bus.publish("user:1", {"n": 10})
        again = await taken(stream, 7)
        assert [e["n"] for e in again] == list(range(4, 11))
        assert again[:6] == heard[4:]  # the same ids as heard live
        assert await all_within(stream, 0.3) == []  # nothing twice


async def test_since_the_newest_event_gives_only_live_ones(bus: EventBus) -> None:
    heard = await published(bus, "user:1", range(3))
    async with bus.subscribe("user:1", since=id_of(heard[-1])) as stream:
        assert await all_within(stream, 0.2) == []
        await bus.publish("user:1", {"n": 3})
        assert [e["n"] for e in await taken(stream, 1)] == [3]


async def test_a_replay_longer_than_a_page_comes_whole_and_in_order(bus: EventBus) -> None:
    """The journal is read a page at a time (so a replay holds at most a page in memory);
    the pages join with no gap and no overlap, and live events follow."""
    count = 2 * PAGE_SIZE + 9
    heard = await published(bus, "user:1", range(count))
    async with bus.subscribe("user:1", since=id_of(heard[0])) as stream:
        await bus.publish("user:1", {"n": count})
        again = await taken(stream, count)
        assert [e["n"] for e in again] == list(range(1, count + 1))


async def test_replay_while_events_keep_coming_has_no_gap_and_no_duplicate(
    bus: EventBus,
) -> None:
    """Events are published all the while a subscriber comes back: whatever the journal
    and live delivery both carry is delivered once, and nothing falls between them."""
    heard = await published(bus, "user:1", range(5))
    last = 200

    async def keep_publishing() -> None:
        for n in range(5, last):
            await bus.publish("user:1", {"n": n})
            await asyncio.sleep(0.001)

    publisher = asyncio.create_task(keep_publishing())
    await asyncio.sleep(0.03)  # some published before the subscriber is back
    async with bus.subscribe("user:1", since=id_of(heard[1])) as stream:
        again = await taken(stream, last - 2)
        await publisher
        assert [e["n"] for e in again] == list(range(2, last))
        assert await all_within(stream, 0.2) == []


async def test_only_the_window_is_replayed() -> None:
    """An event older than the window is not given back, however old `since` is."""
    bus = EventBus("memory://", replay=Replay(window_seconds=0.2))
    await bus.connect()
    try:
        heard = await published(bus, "user:1", range(2))
        await asyncio.sleep(0.3)
        await bus.publish("user:1", {"n": 2})
        async with bus.subscribe("user:1", since=id_of(heard[0])) as stream:
            assert [e["n"] for e in await all_within(stream, 0.2)] == [2]
    finally:
        await bus.disconnect()


@pytest.mark.parametrize("url", BUSES, ids=["ring", "redis-stream"])
async def test_the_journal_keeps_a_bounded_number_per_channel(url: str) -> None:
    """A channel keeps its newest `max_events` (Redis trims approximately, whole nodes
    of 100 entries: up to 100 more): a replay from an event trimmed away gives the newest
    ones kept, contiguous up to the last."""
    bus = EventBus(url, f"bound:{uuid.uuid4().hex[:8]}:", replay=Replay(max_events=100))
    await bus.connect()
    try:
        heard = await published(bus, "user:1", range(300))
        async with bus.subscribe("user:1", since=id_of(heard[0])) as stream:
            kept = [e["n"] for e in await all_within(stream, 1.0)]
        assert 100 <= len(kept) <= 200
        assert kept == list(range(300 - len(kept), 300))
    finally:
        await bus.disconnect()


async def test_a_since_never_given_out_is_refused(bus: EventBus) -> None:
    with pytest.raises(UnknownEventId):
        async with bus.subscribe("user:1", since=(99_999_999_999_999, 0)):
            pass


async def test_channels_replay_only_their_own_events(bus: EventBus) -> None:
    mine = await published(bus, "user:1", range(3))
    await published(bus, "user:2", range(100, 103))
    async with bus.subscribe("user:1", since=id_of(mine[0])) as stream:
        assert [e["n"] for e in await all_within(stream, 0.2)] == [1, 2]


async def test_events_published_while_pubsub_was_away_are_caught_up(
    private_redis: tuple[int, list[subprocess.Popen[bytes]]],
) -> None:
    """Redis restarts: a subscriber's pub/sub connection takes a while to come back, and
    what was published meanwhile reached the stream but not the subscriber. When it is
    back, the subscription reads the stream from the last event it delivered: nothing is
    missed, nothing comes twice."""
    port, processes = private_redis
    url = f"redis://127.0.0.1:{port}/0"
    listening, publishing = EventBus(url, "resume:"), EventBus(url, "resume:")
    await listening.connect()
    try:
        async with listening.subscribe("user:1") as stream:
            await publishing.connect()
            await publishing.publish("user:1", {"n": 0})
            assert [e["n"] for e in await taken(stream, 1)] == [0]
            backend = listening._backend
            assert isinstance(backend, RedisPubSubBackend)
            processes[0].kill()
            processes[0].wait()
            await publishing.disconnect()
            for _ in range(TIMEOUT * 20):  # until the listener has noticed
                if not backend.connected:
                    break
                await asyncio.sleep(0.05)
            # Holding the lock its reconnection takes keeps the listener away while these
            # are published: they reach the stream, not the subscriber.
            async with backend._changing:
                processes.append(start_redis(port))
                publishing = EventBus(url, "resume:")
                await publishing.connect()
                for n in range(1, 6):
                    await publishing.publish("user:1", {"n": n})
                generation = backend.generation
            again = await taken(stream, 5)
            assert backend.generation > generation  # it did reconnect after them
            assert [e["n"] for e in again] == [1, 2, 3, 4, 5]
            await publishing.publish("user:1", {"n": 6})
            assert [e["n"] for e in await taken(stream, 1)] == [6]
            assert await all_within(stream, 0.3) == []
    finally:
        await listening.disconnect()
        await publishing.disconnect()


async def test_a_killed_pubsub_connection_resumes_and_says_so(
    private_redis: tuple[int, list[subprocess.Popen[bytes]]],
) -> None:
    """Redis drops the listener's connection and stays up (CLIENT KILL, as a proxy or a
    failover does): redis-py would reconnect and resubscribe on its own, quietly, and
    what was published in between would never reach the subscriber. The loss reaches
    the listener instead, which counts a new generation (the session cache's signal of a
    gap) and has the subscription read the journal: every event once, in order."""
    port, _ = private_redis
    url = f"redis://127.0.0.1:{port}/0"
    listening, publishing = EventBus(url, "killed:"), EventBus(url, "killed:")
    await listening.connect()
    await publishing.connect()
    killer = Redis.from_url(url)
    try:
        async with listening.subscribe("user:1") as stream:
            await publishing.publish("user:1", {"n": 0})
            assert [e["n"] for e in await taken(stream, 1)] == [0]
            backend = listening._backend
            assert isinstance(backend, RedisPubSubBackend)
            generation = backend.generation
            assert await killer.client_kill_filter(_type="pubsub") == 1
            for n in range(1, 6):
                await publishing.publish("user:1", {"n": n})
            assert [e["n"] for e in await taken(stream, 5)] == [1, 2, 3, 4, 5]
            assert backend.generation > generation
            await publishing.publish("user:1", {"n": 6})
            assert [e["n"] for e in await taken(stream, 1)] == [6]
            assert await all_within(stream, 0.3) == []
    finally:
        await killer.aclose()
        await listening.disconnect()
        await publishing.disconnect()


async def test_a_retried_publish_is_delivered_once(bus: EventBus) -> None:
    """A publish whose reply was lost may have landed, or a bet's events are announced
    again by its retry: a retry (same key) adds nothing to a channel that has it, and
    still delivers to one that does not — in Redis's streams and in the ring alike."""
    async with bus.subscribe("user:1") as mine, bus.subscribe("user:2") as theirs:
        await bus.publish_all([("user:1", [{"n": 1}])], key="k1")
        await bus.publish_all([("user:1", [{"n": 1}]), ("user:2", [{"n": 2}])], "k1", retry=True)
        await bus.publish_all([("user:1", [{"n": 3}])], key="k2", retry=True)
        heard = [e["n"] for e in await all_within(mine, 0.3)]
        assert heard == [1, 3]
        assert [e["n"] for e in await all_within(theirs, 0.3)] == [2]


async def test_missed_events_that_cannot_be_read_end_the_stream() -> None:
    """Rather than go on past a gap, a stream whose catch-up read fails ends with
    ReplayUnavailable (the subscriber resubscribes with `since`)."""

    async def unreadable(after: EventId) -> list[dict[str, Any]]:
        raise ConnectionError("Redis away")

    stream = EventStream()
    stream.begin(unreadable, (1, 0), None)
    stream.offer({"id": "5-0", "n": 5})
    with pytest.raises(ReplayUnavailable):
        await stream.next(within=1)


async def test_a_slow_catch_up_read_outlives_a_readers_timeout() -> None:
    """A reader that keeps time (crash ticks) gives up waiting after a moment: the read
    goes on, and the next call takes its page; it is started once."""
    reads = 0

    async def slow(after: EventId) -> list[dict[str, Any]]:
        nonlocal reads
        reads += 1
        await asyncio.sleep(0.2)
        return [{"id": "2-0", "n": 2}]

    stream = EventStream()
    stream.begin(slow, (1, 0), None)
    results = [await stream.next(within=0.05) for _ in range(10)]
    assert [r["n"] for r in results if r is not None] == [2]
    assert reads == 1
