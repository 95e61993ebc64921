"""The documents of automatic persisted queries, by SHA-256 (SPEC §12.1).

Redis in production, so every instance knows a document any of them was sent; in
embedded mode an in-process store with the same interface. Both are bounded: at most
`max_entries` documents, the least recently used going first (the caller bounds each
document's size). Nothing here needs to last: a forgotten document costs the client one
round trip (it is answered PERSISTED_QUERY_NOT_FOUND and sends the text again).

So a Redis that does not answer is a miss, not an error: a lookup finds nothing and a
write keeps nothing (each logged as a warning), and clients go on sending their
documents in full — answered as usual — until Redis is back.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Protocol

from redis.exceptions import RedisError

from casino_club.persistence.redis_batch import CommandBatcher, Script, text
from casino_club.persistence.redis_client import RedisClient

log = logging.getLogger(__name__)


class PersistedQueryStore(Protocol):
    async def get(self, sha256_hash: str) -> str | None:
        """The document stored under this hash, if any (using it keeps it longer)."""
        ...

    async def put(self, sha256_hash: str, query: str) -> None:
        """Keep the document (its hash already checked), evicting the least recently
        used beyond the bound."""
        ...


class InProcessPersistedQueries:
    """A bounded LRU: this process's documents only (embedded mode has one process)."""

    def __init__(self, max_entries: int) -> None:
        self._max_entries = max_entries
        self._documents: OrderedDict[str, str] = OrderedDict()

    async def get(self, sha256_hash: str) -> str | None:
        query = self._documents.get(sha256_hash)
        if query is not None:
            self._documents.move_to_end(sha256_hash)
        return query

    async def put(self, sha256_hash: str, query: str) -> None:
        self._documents[sha256_hash] = query
        self._documents.move_to_end(sha256_hash)
        while len(self._documents) > self._max_entries:
            self._documents.popitem(last=False)


# Every key shares the hash tag `{apq}` (one cluster slot), as a script's keys must; the
# documents' keys are derived from the index's members, so they are named by prefix.
# Each document expires `ttl` after its last use; the index orders them by last use.
# A use's place in that order is a counter's next value (KEYS[3]), not a clock reading:
# two uses in one millisecond (a fast host did it) would tie, and the eviction would
# take whichever sorts first.
_GET = Script("""
local query = redis.call('GET', KEYS[1])
if query then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[3]), ARGV[2])
  redis.call('PEXPIRE', KEYS[2], ARGV[1])
  redis.call('PEXPIRE', KEYS[3], ARGV[1])
else
  redis.call('ZREM', KEYS[2], ARGV[2])
end
return query
""")

_PUT = Script("""
redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[1])
redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[3]), ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[3], ARGV[1])
local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4])
if over > 0 then
  local evicted = redis.call('ZPOPMIN', KEYS[2], over)
  for i = 1, #evicted, 2 do
    redis.call('DEL', ARGV[5] .. evicted[i])
  end
end
return 1
""")


class RedisPersistedQueries:
    """Shared by every instance; bounded by count (least recently used evicted) and by
    time (a document unused for `ttl_seconds` expires)."""

    def __init__(
        self, redis: RedisClient, prefix: str, max_entries: int, ttl_seconds: float
    ) -> None:
        self._commands = CommandBatcher(redis)
        self._documents = prefix + "{apq}:"
        self._index = prefix + "{apq}"
        self._uses = prefix + "{apq}:uses"  # no document's key: those end in a SHA-256
        self._max_entries = max_entries
        self._ttl_ms = int(ttl_seconds * 1000)

    async def get(self, sha256_hash: str) -> str | None:
        keys = [self._documents + sha256_hash, self._index, self._uses]
        try:
            query = await _GET.run(self._commands, keys, (self._ttl_ms, sha256_hash))
        except (RedisError, OSError) as exc:
            log.warning("persisted query not looked up: Redis unavailable (%s)", type(exc).__name__)
            return None
        return None if query is None else text(query)

    async def put(self, sha256_hash: str, query: str) -> None:
        keys = [self._documents + sha256_hash, self._index, self._uses]
        arguments = (
            self._ttl_ms,
            sha256_hash,
            query,
            self._max_entries,
            self._documents,
        )
        try:
            await _PUT.run(self._commands, keys, arguments)
        except (RedisError, OSError) as exc:
            log.warning("persisted query not stored: Redis unavailable (%s)", type(exc).__name__)
