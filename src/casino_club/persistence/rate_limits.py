"""Fast, shared, non-durable state: rate limits and the purchase fraud guard.

Redis in production (shared by every app instance); in embedded mode an in-process
implementation with the same interface. Nothing here is money or a rule a player could
gain from losing: a flush loses at most a rate-limit window. (Game state a check depends
on — streaks, daily counts — lives in the rows the bet locks.)
"""

from __future__ import annotations

import secrets
from collections import deque
from dataclasses import dataclass
from typing import Protocol

from redis.exceptions import RedisError

from casino_club.persistence.redis_batch import CommandBatcher, Script
from casino_club.persistence.redis_client import RedisClient, player_tag


class RateLimitsUnavailable(Exception):
    """Redis cannot be reached; callers refuse the action rather than guess."""


# Sliding-window log: drop hits older than the window, refuse if full (returning the ms
# until the oldest hit leaves), otherwise record this hit.
_RATE_LIMIT = Script("""
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
""")


# The purchase fraud guard (SPEC §7.6), one atomic step: refuse while blocked (returning
# the block's end); otherwise record the attempt and its token (a digest) in the window,
# and if either count has reached its limit, block from now on. The block's end is kept
# as the app clock's time, so it follows the same clock as everything else.
_PURCHASE_GUARD = Script("""
local attempts, tokens, block = KEYS[1], KEYS[2], KEYS[3]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local ends = tonumber(redis.call('GET', block) or '0')
if ends > now then
  return ends
end
redis.call('ZREMRANGEBYSCORE', attempts, '-inf', now - window)
redis.call('ZREMRANGEBYSCORE', tokens, '-inf', now - window)
redis.call('ZADD', attempts, now, ARGV[7])
redis.call('ZADD', tokens, now, ARGV[6])
redis.call('PEXPIRE', attempts, window)
redis.call('PEXPIRE', tokens, window)
if redis.call('ZCARD', attempts) >= tonumber(ARGV[3])
    or redis.call('ZCARD', tokens) >= tonumber(ARGV[4]) then
  redis.call('SET', block, string.format('%d', now + tonumber(ARGV[5])), 'PX', ARGV[5])
end
return -1
""")


@dataclass(frozen=True, slots=True)
class PurchaseGuard:
    """SPEC §7.6: this many attempts, or distinct payment tokens, within the window
    block further attempts for `block_ms`."""

    window_ms: int
    max_attempts: int
    max_tokens: int
    block_ms: int


class RateLimits(Protocol):
    async def hit(self, key: str, *, limit: int, window_ms: int, now_ms: int) -> int | None:
        """Count a hit; None if allowed, else the milliseconds until one would be."""

    async def purchase_attempt(
        self, user_id: int, token_digest: str, guard: PurchaseGuard, now_ms: int
    ) -> int | None:
        """Record a purchase attempt; None if allowed, else when (ms, on the app clock)
        the block ends. The attempt that reaches a limit is allowed; later ones are not."""


# Every this many hits, the in-process state forgets the keys whose window has passed.
PURGE_EVERY_HITS = 1024


class InProcessRateLimits:
    """Embedded mode: one process, so plain dictionaries are the shared state."""

    def __init__(self) -> None:
        # Each key's window and its hits in it.
        self._hits: dict[str, tuple[int, deque[int]]] = {}
        self._hits_since_purge = 0
        self._attempts: dict[int, deque[tuple[int, str]]] = {}
        self._blocked_until: dict[int, int] = {}

    async def hit(self, key: str, *, limit: int, window_ms: int, now_ms: int) -> int | None:
        self._purge(now_ms)
        _, hits = self._hits.setdefault(key, (window_ms, deque()))
        while hits and hits[0] <= now_ms - window_ms:
            hits.popleft()
        if len(hits) >= limit:
            return hits[0] + window_ms - now_ms
        hits.append(now_ms)
        return None

    def keys(self) -> int:
        """How many rate-limit keys are held (each caller seen within its window)."""
        return len(self._hits)

    def _purge(self, now_ms: int) -> None:
        """Forget keys with no hit left in their window, as Redis expires them: a budget
        per address would otherwise keep every address ever seen (amortised: a pass
        every PURGE_EVERY_HITS hits)."""
        self._hits_since_purge += 1
        if self._hits_since_purge < PURGE_EVERY_HITS:
            return
        self._hits_since_purge = 0
        stale = [
            key
            for key, (window_ms, hits) in self._hits.items()
            if not hits or hits[-1] <= now_ms - window_ms
        ]
        for key in stale:
            del self._hits[key]

    async def purchase_attempt(
        self, user_id: int, token_digest: str, guard: PurchaseGuard, now_ms: int
    ) -> int | None:
        until = self._blocked_until.get(user_id, 0)
        if until > now_ms:
            return until
        attempts = self._attempts.setdefault(user_id, deque())
        while attempts and attempts[0][0] <= now_ms - guard.window_ms:
            attempts.popleft()
        attempts.append((now_ms, token_digest))
        tokens = {token for _, token in attempts}
        if len(attempts) >= guard.max_attempts or len(tokens) >= guard.max_tokens:
            self._blocked_until[user_id] = now_ms + guard.block_ms
        return None


class RedisRateLimits:
    def __init__(self, redis: RedisClient, prefix: str) -> None:
        self._commands = CommandBatcher(redis)
        self._prefix = prefix

    async def hit(self, key: str, *, limit: int, window_ms: int, now_ms: int) -> int | None:
        member = f"{now_ms}:{secrets.token_hex(4)}"
        arguments = (now_ms, window_ms, limit, member)
        wait = await self._script(_RATE_LIMIT, [self._prefix + key], arguments)
        return None if wait < 0 else max(wait, 1)

    async def purchase_attempt(
        self, user_id: int, token_digest: str, guard: PurchaseGuard, now_ms: int
    ) -> int | None:
        # The player's hash tag: a Cluster keeps the script's three keys in one slot.
        base = f"{self._prefix}{player_tag(user_id)}:fraud:"
        keys = [base + "attempts", base + "tokens", base + "block"]
        arguments = (
            now_ms,
            guard.window_ms,
            guard.max_attempts,
            guard.max_tokens,
            guard.block_ms,
            token_digest,
            f"{now_ms}:{secrets.token_hex(4)}",
        )
        until = await self._script(_PURCHASE_GUARD, keys, arguments)
        return None if until < 0 else until

    async def _script(
        self, script: Script, keys: list[str], arguments: tuple[str | int, ...]
    ) -> int:
        try:
            return int(await script.run(self._commands, keys, arguments))
        except (RedisError, OSError) as exc:
            raise RateLimitsUnavailable from exc
