"""Counted leases: how many connections or subscriptions a player or an address holds.

In production the count is Redis's, so every instance behind the proxy draws on one
limit (a player with ten connections on each of five instances holds fifty, not ten).
Each lease is a member of a sorted set scored by when it expires; its instance renews
it while it lives (`renew`, a background job) and removes it when it ends, and a lease
of an instance that died expires on its own after `LIVE_LEASE_SECONDS`. Taking one is
a script — drop the expired, refuse if full, add — so twenty taken at once never pass
the limit. Time is Redis's own (TIME), so instances' clocks need not agree.

Embedded mode counts in the process. Without Redis (an outage) a lease is granted
uncounted: refusing every connection would hurt everyone more than a flood.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections import Counter
from typing import Protocol

from redis.exceptions import RedisError

from casino_club.persistence.redis_batch import CommandBatcher, Script
from casino_club.persistence.redis_client import RedisClient

log = logging.getLogger(__name__)

_TAKE = Script("""
local key = KEYS[1]
local limit, member, ttl = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
if redis.call('ZCARD', key) >= limit then
  return 0
end
redis.call('ZADD', key, now + ttl, member)
redis.call('PEXPIRE', key, ttl)
return 1
""")

# Every member given that is still held gets a new expiry (XX: a lease given back or
# expired meanwhile is not brought back).
_RENEW = Script("""
local key = KEYS[1]
local ttl = tonumber(ARGV[1])
local time = redis.call('TIME')
local expires = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000) + ttl
for i = 2, #ARGV do
  redis.call('ZADD', key, 'XX', expires, ARGV[i])
end
redis.call('PEXPIRE', key, ttl)
return 1
""")


class LeaseCounts(Protocol):
    async def take(self, key: str, limit: int) -> str | None:
        """A lease under `key` (its token) if fewer than `limit` are held, else None."""

    def give_back(self, key: str, token: str) -> None:
        """The lease ends (call once per lease)."""

    async def renew(self) -> int:
        """Keep this process's leases alive; how many were renewed."""

    async def held(self, key: str) -> int:
        """How many leases are held under `key` (every instance's)."""


class InProcessLeases:
    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()

    async def take(self, key: str, limit: int) -> str | None:
        if self._counts[key] >= limit:
            return None
        self._counts[key] += 1
        return key

    def give_back(self, key: str, token: str) -> None:
        self._counts[key] -= 1
        if self._counts[key] <= 0:
            del self._counts[key]

    async def renew(self) -> int:
        return 0  # nothing expires in a process: its leases end with it

    async def held(self, key: str) -> int:
        return self._counts[key]


class RedisLeases:
    def __init__(self, redis: RedisClient, prefix: str, lease_seconds: float) -> None:
        self._redis = redis
        self._commands = CommandBatcher(redis)
        self._prefix = prefix + "live:"
        self._ttl_ms = int(lease_seconds * 1000)
        self._mine: dict[str, set[str]] = {}  # key → tokens this process holds
        self._removing: set[asyncio.Task[None]] = set()

    async def take(self, key: str, limit: int) -> str | None:
        token = secrets.token_hex(8)
        try:
            taken = await _TAKE.run(
                self._commands, [self._prefix + key], (limit, token, self._ttl_ms)
            )
        except (RedisError, OSError) as exc:
            log.warning("live limit not counted: Redis unavailable (%s)", type(exc).__name__)
            return ""  # granted uncounted; giving it back is a no-op
        if not int(taken):
            return None
        self._mine.setdefault(key, set()).add(token)
        return token

    def give_back(self, key: str, token: str) -> None:
        if not token:
            return
        held = self._mine.get(key)
        if held is not None:
            held.discard(token)
            if not held:
                del self._mine[key]
        task = asyncio.get_running_loop().create_task(self._remove(key, token))
        # Held until done: the loop keeps only weak references to tasks.
        self._removing.add(task)
        task.add_done_callback(self._removing.discard)

    async def _remove(self, key: str, token: str) -> None:
        try:
            await self._commands.execute("ZREM", self._prefix + key, token)
        except (RedisError, OSError) as exc:  # it expires on its own
            log.warning("live lease not given back: Redis unavailable (%s)", type(exc).__name__)

    async def renew(self) -> int:
        held = [(key, sorted(tokens)) for key, tokens in self._mine.items() if tokens]
        if not held:
            return 0
        await asyncio.gather(
            *(
                _RENEW.run(self._commands, [self._prefix + key], (self._ttl_ms, *tokens))
                for key, tokens in held
            )
        )
        return sum(len(tokens) for _, tokens in held)

    async def held(self, key: str) -> int:
        full = self._prefix + key
        now_s, now_us = await self._redis.time()
        now_ms = int(now_s) * 1000 + int(now_us) // 1000
        return int(await self._redis.zcount(full, f"({now_ms}", "+inf"))
