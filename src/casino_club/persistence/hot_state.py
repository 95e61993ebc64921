"""Fast, shared, non-durable state: rate limits.

Redis in production (shared by every app instance); in embedded mode an in-process
implementation with the same interface. Nothing here is money or a rule a player could
gain from losing: a flush loses at most a rate-limit window. (Game state a check depends
on — streaks, daily counts — lives in the rows the bet locks.)
"""

from __future__ import annotations

import hashlib
import secrets
from collections import deque
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import NoScriptError, RedisError

from casino_club.persistence.redis_batch import CommandBatcher


class HotStateUnavailable(Exception):
    """Redis cannot be reached; callers refuse the action rather than guess."""


# Sliding-window log: drop hits older than the window, refuse if full (returning the ms
# until the oldest hit leaves), otherwise record this hit.
_RATE_LIMIT_SCRIPT = """
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if redis.call('ZCARD', key) >= limit then
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  return tonumber(oldest[2]) + window - now
end
redis.call('ZADD', key, now, ARGV[4])
redis.call('PEXPIRE', key, window)
return -1
"""


class HotState(Protocol):
    async def hit(self, key: str, *, limit: int, window_ms: int, now_ms: int) -> int | None:
        """Count a hit; None if allowed, else the milliseconds until one would be."""


class InProcessHotState:
    """Embedded mode: one process, so plain dictionaries are the shared state."""

    def __init__(self) -> None:
        self._hits: dict[str, deque[int]] = {}

    async def hit(self, key: str, *, limit: int, window_ms: int, now_ms: int) -> int | None:
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now_ms - window_ms:
            hits.popleft()
        if len(hits) >= limit:
            return hits[0] + window_ms - now_ms
        hits.append(now_ms)
        return None


class RedisHotState:
    def __init__(self, redis: Redis, prefix: str) -> None:
        self._commands = CommandBatcher(redis)
        self._prefix = prefix
        # Redis names a script by its SHA-1; nothing here relies on SHA-1 being secure.
        self._rate_limit_sha = hashlib.sha1(
            _RATE_LIMIT_SCRIPT.encode(), usedforsecurity=False
        ).hexdigest()

    async def hit(self, key: str, *, limit: int, window_ms: int, now_ms: int) -> int | None:
        member = f"{now_ms}:{secrets.token_hex(4)}"
        arguments = (1, self._prefix + key, now_ms, window_ms, limit, member)
        try:
            try:
                reply = await self._commands.execute("EVALSHA", self._rate_limit_sha, *arguments)
            except NoScriptError:  # a restarted Redis has forgotten it: EVAL loads it again
                reply = await self._commands.execute("EVAL", _RATE_LIMIT_SCRIPT, *arguments)
            wait = int(reply)
        except (RedisError, OSError) as exc:
            raise HotStateUnavailable from exc
        return None if wait < 0 else max(wait, 1)
