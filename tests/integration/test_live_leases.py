"""Live limits shared by every instance through Redis (persistence/live_leases.py): one
count however many instances a player's connections land on, taken atomically, and a
dead instance's leases expire on their own (SPEC §13)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster

from casino_club.config import Settings
from casino_club.live.limits import LimitReached, LiveLimits
from casino_club.persistence.live_leases import RedisLeases
from tests.conftest import REDIS_BACKENDS, Backend, redis_of

pytestmark = pytest.mark.parametrize("backend", REDIS_BACKENDS, indirect=True)

ADDRESS = "198.51.100.7"
SETTLE_SECONDS = 5


@pytest.fixture
async def redis(backend: Backend) -> AsyncIterator[Redis | RedisCluster]:
    client = redis_of(backend)
    yield client
    await client.aclose()


def instance(
    redis: Redis | RedisCluster, prefix: str, lease_seconds: float = 60, **limits: int
) -> LiveLimits:
    """One app instance's limits over the shared Redis."""
    settings = Settings(_env_file=None, live_lease_seconds=lease_seconds, **limits)  # type: ignore[arg-type]
    return LiveLimits(settings, RedisLeases(redis, prefix, lease_seconds))


async def until_held(live: LiveLimits, key: str, count: int) -> None:
    """A given-back lease is removed by a task of its own: wait until Redis says so."""
    async with asyncio.timeout(SETTLE_SECONDS):
        while True:  # until it holds (the timeout bounds it)
            if await live.counts.held(key) == count:
                return
            await asyncio.sleep(0.01)


async def test_instances_share_one_count_per_player(
    backend: Backend, redis: Redis | RedisCluster
) -> None:
    prefix = f"{backend.redis_prefix}{uuid.uuid4().hex[:8]}:"
    first = instance(redis, prefix, ws_max_connections_per_player=3)
    second = instance(redis, prefix, ws_max_connections_per_player=3)
    held = [await first.connection(42, ADDRESS), await first.connection(42, ADDRESS)]
    held.append(await second.connection(42, "203.0.113.9"))
    for live in (first, second):
        with pytest.raises(LimitReached, match="for this player \\(at most 3\\)"):
            await live.connection(42, ADDRESS)
    held[0].release()
    await until_held(second, "{u:42}:connections", 2)
    await second.connection(42, ADDRESS)
    assert await first.counts.held("{u:42}:connections") == 3


async def test_twenty_at_once_take_exactly_the_limit(
    backend: Backend, redis: Redis | RedisCluster
) -> None:
    prefix = f"{backend.redis_prefix}{uuid.uuid4().hex[:8]}:"
    instances = [instance(redis, prefix, graphql_max_subscriptions_per_address=5)] * 2

    async def attempt(n: int) -> bool:
        try:
            await instances[n % 2].subscription(None, ADDRESS)
        except LimitReached:
            return False
        return True

    outcomes = await asyncio.gather(*(attempt(n) for n in range(20)))
    assert sum(outcomes) == 5
    assert await instances[0].counts.held(f"subscriptions:a:{ADDRESS}") == 5


async def test_a_dead_instances_leases_expire_and_a_live_ones_are_renewed(
    backend: Backend, redis: Redis | RedisCluster
) -> None:
    prefix = f"{backend.redis_prefix}{uuid.uuid4().hex[:8]}:"
    dead = instance(redis, prefix, lease_seconds=1, ws_max_connections_per_player=1)
    alive = instance(redis, prefix, lease_seconds=1, ws_max_connections_per_player=1)
    await dead.connection(7, ADDRESS)  # its instance then dies: nobody renews it
    with pytest.raises(LimitReached):
        await alive.connection(7, ADDRESS)
    await asyncio.sleep(1.2)
    await alive.connection(7, ADDRESS)  # the dead one's expired
    for _ in range(4):  # the renewing job, every third of the lease
        await asyncio.sleep(0.35)
        assert await alive.counts.renew() == 2  # under the player and the address
    with pytest.raises(LimitReached):  # 1.4 s on, still held: renewed
        await dead.connection(7, ADDRESS)
