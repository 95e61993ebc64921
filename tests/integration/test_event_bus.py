"""The event bus over a real Redis that goes away and comes back (SPEC §13, §15)."""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import uuid
from typing import Any

import pytest
import redis
import redis.asyncio as aioredis

from casino_club.live.events import EventBus
from casino_club.live.journal import parse_event_id
from casino_club.live.stream import QUEUE_SIZE, EventStream, SubscriptionOverflow
from tests.conftest import TEST_REDIS_URL, start_redis

TIMEOUT = 15


def content(event: dict[str, Any]) -> dict[str, Any]:
    """The event as published: without the id the journal gave it (which must be one)."""
    assert parse_event_id(event["id"]) is not None, event
    return {k: v for k, v in event.items() if k != "id"}


async def next_event(stream: Any) -> dict[str, Any]:
    async with asyncio.timeout(TIMEOUT):
        async for event in stream:
            return content(event)
    raise AssertionError("stream ended")


async def test_subscription_recovers_after_redis_restarts(
    private_redis: tuple[int, list[subprocess.Popen[bytes]]],
) -> None:
    port, processes = private_redis
    bus = EventBus(f"redis://127.0.0.1:{port}/0", "restart:")
    await bus.connect()
    try:
        async with bus.subscribe("user:1") as stream:
            await bus.publish("user:1", {"n": 1})
            assert await next_event(stream) == {"n": 1}

            processes[0].kill()
            processes[0].wait()
            await asyncio.sleep(0.5)
            processes.append(start_redis(port))

            # Publish until the listener has resubscribed; the first event through must be ours.
            async with asyncio.timeout(TIMEOUT):
                while True:
                    try:
                        await bus.publish("user:1", {"n": 2})
                    except (redis.ConnectionError, OSError):
                        await asyncio.sleep(0.1)
                        continue
                    try:
                        assert await asyncio.wait_for(next_event(stream), 0.5) == {"n": 2}
                        break
                    except TimeoutError:
                        continue
            assert bus.healthy
    finally:
        await bus.disconnect()


async def test_a_slow_subscriber_is_cut_off_not_buffered_forever() -> None:
    bus = EventBus("memory://")
    await bus.connect()
    try:
        async with bus.subscribe("user:7") as stream:
            for n in range(QUEUE_SIZE + 10):
                await bus.publish("user:7", {"n": n})
            await asyncio.sleep(0.1)
            delivered: list[int] = []

            async def drain() -> None:
                async with asyncio.timeout(TIMEOUT):
                    async for event in stream:
                        delivered.append(content(event)["n"])

            with pytest.raises(SubscriptionOverflow):
                await drain()
            assert delivered == list(range(QUEUE_SIZE))
    finally:
        await bus.disconnect()


async def test_subscribers_only_see_their_channel() -> None:
    bus = EventBus("memory://")
    await bus.connect()
    try:
        async with bus.subscribe("user:1") as mine, bus.subscribe("user:2") as theirs:
            await bus.publish("user:2", {"for": 2})
            await bus.publish("user:1", {"for": 1})
            assert await next_event(mine) == {"for": 1}
            assert await next_event(theirs) == {"for": 2}
    finally:
        await bus.disconnect()


BUSES = ["memory://", TEST_REDIS_URL]


@pytest.mark.parametrize("url", BUSES)
async def test_subscribers_arriving_together_on_a_fresh_bus_all_hear_once(url: str) -> None:
    """300 subscriptions opened in the same instant on a just-connected bus — two per
    channel, so both first subscribers of a channel race — each hear exactly what is
    published to their channel, once (the races of SPEC §15: redis-py's lazy PubSub
    connection, broadcaster's subscriber set written after an await). Upstream, each
    channel is subscribed once, on one connection, and none is left once they leave."""
    prefix = f"burst:{uuid.uuid4().hex[:8]}:"
    bus = EventBus(url, prefix)
    await bus.connect()
    channels = [f"user:{n}" for n in range(150)]
    try:
        async with contextlib.AsyncExitStack() as stack:
            streams = await asyncio.gather(
                *(stack.enter_async_context(bus.subscribe(c)) for c in channels for _ in (1, 2))
            )
            assert bus.subscribed_upstream() == set(channels)
            if url.startswith("redis"):
                counts = await numsub(url, [prefix + c for c in channels])
                assert set(counts) == {1}  # one connection per channel, not one per racer
            for n, channel in enumerate(channels):
                await bus.publish(channel, {"n": n})
            heard = await asyncio.gather(*(all_within(stream, 0.5) for stream in streams))
            assert heard == [[{"n": n}] for n in range(150) for _ in (1, 2)]
        await bus.settled()
        assert bus.subscribed_upstream() == set()
        if url.startswith("redis"):
            assert set(await numsub(url, [prefix + c for c in channels])) == {0}
    finally:
        await bus.disconnect()


async def numsub(url: str, channels: list[str]) -> list[int]:
    client = aioredis.Redis.from_url(url)
    try:
        reply = await client.pubsub_numsub(*channels)
        return [int(count) for _, count in reply]
    finally:
        await client.aclose()


async def all_within(stream: EventStream, seconds: float) -> list[dict[str, Any]]:
    """Every event the stream delivers until it is quiet for `seconds`."""
    heard = []
    while (event := await stream.next(within=seconds)) is not None:
        heard.append(content(event) if "id" in event else event)
    return heard


async def test_a_stalled_subscriber_is_ended_even_before_its_queue_fills() -> None:
    """Taking nothing for `stall_seconds` while events wait ends the stream, as a full
    queue does: the reader gets what was queued, then SubscriptionOverflow."""
    stream = EventStream(limit=QUEUE_SIZE, stall_seconds=0.05)
    assert stream.offer({"n": 1})
    await asyncio.sleep(0.1)
    assert not stream.offer({"n": 2})
    assert await stream.next(within=0.1) == {"n": 1}
    with pytest.raises(SubscriptionOverflow):
        await stream.next(within=0.1)


async def test_a_reader_that_keeps_up_is_never_stalled() -> None:
    """The stall clock runs from the later of the oldest event's arrival and the last
    take: an idle reader whose events arrive after a long quiet is not behind."""
    stream = EventStream(limit=QUEUE_SIZE, stall_seconds=0.05)
    assert stream.offer({"n": 1})
    assert await stream.next(within=0.1) == {"n": 1}
    await asyncio.sleep(0.1)  # quiet, with nothing waiting
    assert stream.offer({"n": 2}) and stream.offer({"n": 3})
    assert [await stream.next(within=0.1), await stream.next(within=0.1)] == [
        {"n": 2},
        {"n": 3},
    ]


async def test_a_subscription_is_in_place_in_redis_when_subscribe_returns() -> None:
    """The subscriber reads the journal right after subscribing: Redis must already
    count the subscription then (the SUBSCRIBE confirmed), or an event published in
    between would be neither heard nor read."""
    prefix = f"confirm:{uuid.uuid4().hex[:8]}:"
    bus = EventBus(TEST_REDIS_URL, prefix)
    await bus.connect()
    try:
        for n in range(50):
            async with bus.subscribe(f"user:{n}"):
                assert await numsub(TEST_REDIS_URL, [f"{prefix}user:{n}"]) == [1]
    finally:
        await bus.disconnect()
