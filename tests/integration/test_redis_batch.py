"""Redis commands of one loop turn sent as one pipeline (persistence/redis_batch.py), and
the rate limit built on it (persistence/rate_limits.py), against the real Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster
from redis.exceptions import RedisError, ResponseError

from casino_club.persistence.rate_limits import RateLimitsUnavailable, RedisRateLimits
from casino_club.persistence.redis_batch import CommandBatcher
from tests.conftest import REDIS_BACKENDS, Backend, redis_of
from tests.support import free_port

# The backend that brings (and requires) the real Redis.
in_production_mode = pytest.mark.parametrize("backend", REDIS_BACKENDS, indirect=True)


@pytest.fixture
async def redis(backend: Backend) -> AsyncIterator[Redis | RedisCluster]:
    client = redis_of(backend)
    try:
        yield client
    finally:
        await client.aclose()


@in_production_mode
async def test_simultaneous_commands_each_get_their_own_reply_in_order(
    redis: Redis | RedisCluster, backend: Backend
) -> None:
    batcher = CommandBatcher(redis)
    # One slot for both (a Cluster's DEL of several keys needs it).
    counter, text = f"{backend.redis_prefix}{{batch}}:n", f"{backend.redis_prefix}{{batch}}:s"
    await redis.set(text, "not a number")
    replies = await asyncio.gather(
        *(batcher.execute("INCR", counter) for _ in range(50)),
        batcher.execute("INCR", text),  # fails alone
        batcher.execute("GET", counter),
        return_exceptions=True,
    )
    assert replies[:50] == list(range(1, 51))  # issued in this order, applied in it
    assert isinstance(replies[50], ResponseError)
    assert replies[51] == b"50"
    await redis.delete(counter, text)


async def test_a_connection_that_fails_fails_every_command_of_the_batch() -> None:
    nobody = Redis.from_url(f"redis://127.0.0.1:{free_port()}/0", socket_connect_timeout=1)
    batcher = CommandBatcher(nobody)
    try:
        replies = await asyncio.gather(
            *(batcher.execute("PING") for _ in range(5)), return_exceptions=True
        )
    finally:
        await nobody.aclose()
    assert all(isinstance(reply, RedisError | OSError) for reply in replies), replies
    with pytest.raises(RateLimitsUnavailable):
        await RedisRateLimits(nobody, "x:").hit("k", limit=1, window_ms=1000, now_ms=0)


@in_production_mode
async def test_the_rate_limit_survives_redis_forgetting_its_script(
    redis: Redis | RedisCluster, backend: Backend
) -> None:
    """A restarted Redis has no scripts: EVALSHA answers NOSCRIPT and EVAL loads it."""
    limits = RedisRateLimits(redis, backend.redis_prefix)
    await redis.script_flush()
    allowed = [await limits.hit("flushed", limit=3, window_ms=1000, now_ms=10) for _ in range(3)]
    assert allowed == [None, None, None]
    assert await limits.hit("flushed", limit=3, window_ms=1000, now_ms=20) == 990
    await redis.script_flush()
    assert await limits.hit("flushed", limit=3, window_ms=1000, now_ms=1015) is None
