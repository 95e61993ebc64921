"""The event bus over a real Redis that goes away and comes back (SPEC §13, §15)."""

from __future__ import annotations

import asyncio
import subprocess
from typing import Any

import pytest
import redis

from casino_club.events import QUEUE_SIZE, EventBus, SubscriptionOverflow
from tests.conftest import start_redis

TIMEOUT = 15


async def next_event(stream: Any) -> dict[str, Any]:
    async with asyncio.timeout(TIMEOUT):
        async for event in stream:
            result: dict[str, Any] = event
            return result
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
                        delivered.append(event["n"])

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
