"""Each channel's recent events, kept so that a subscriber who comes back can be given
what it missed (SPEC §10: `since`, the last 5 minutes).

Every event gets an id as it is published, `<milliseconds>-<sequence>` (Redis Streams'
form), increasing along each channel. In production mode a Redis stream per channel
keeps them (XADD with a bounded length; the key expires once its channel has been quiet
for the window), and one Lua script appends and PUBLISHes, so the id a live subscriber
hears is the id a replay finds. On a Redis Cluster the script SPUBLISHes instead (sharded
pub/sub: the event reaches the one node owning the channel's slot, not every node), and
since a script runs on one slot, each channel of a publish gets a script of its own —
channels are named by hash tags (events.py), so a channel's stream and its pub/sub
channel share a slot. In embedded mode a bounded ring per channel in this
process keeps them, and the memory backend delivers.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections import OrderedDict, deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import orjson
from broadcaster._backends.memory import MemoryBackend

from casino_club.persistence.redis_batch import CommandBatcher, Script, text

EventId = tuple[int, int]
NO_EVENT: EventId = (0, 0)

# Digits enough for any millisecond clock and Redis's sequences, and few enough that
# nothing downstream (Lua's numbers, XRANGE) sees an out-of-range id.
_ID = re.compile(r"([0-9]{1,15})-([0-9]{1,18})")

Batch = tuple[str, Sequence[dict[str, Any]]]


def parse_event_id(text: str) -> EventId | None:
    """The id a subscriber sends back as `since`; None if it cannot be one of ours."""
    matched = _ID.fullmatch(text)
    return None if matched is None else (int(matched[1]), int(matched[2]))


def event_id_text(event_id: EventId) -> str:
    return f"{event_id[0]}-{event_id[1]}"


@dataclass(frozen=True)
class Page:
    """What a read found: the server's clock (ms), the channel's newest id then, and the
    events after the id asked for (oldest first, each with its "id")."""

    now_ms: int
    last: EventId
    events: list[dict[str, Any]]


class Journal(Protocol):
    """Channels are named without the bus's prefix; the journal adds it."""

    async def publish(
        self, batches: Sequence[Batch], key: str | None = None, retry: bool = False
    ) -> None:
        """Keep each channel's events, give each its id, and deliver them live. A retry
        of a keyed publish skips each channel that has its part already."""
        ...

    async def read(self, channel: str, since: EventId | None, count: int) -> Page:
        """At most `count` events of the channel after `since` (none if None) and within
        the window."""
        ...

    async def latest(self, channel: str, count: int) -> list[dict[str, Any]]:
        """The channel's newest `count` events kept, oldest first."""
        ...


def _stamped(event_id: str, event: dict[str, Any]) -> dict[str, Any]:
    return {"id": event_id, **event}


# KEYS: a stream per channel. ARGV: max length, quiet lifetime (ms), the publish's key
# ('' for none), whether this is a retry, then per stream its pub/sub channel and its
# events (JSON objects, one per line: one argument, however many events). Each event's
# id goes into the object live subscribers receive. The key is kept with the first event
# of each channel's part; a retry skips a channel whose newest entries hold it already
# (the first try landed).
_PUBLISH_SOURCE = """
local key, retry = ARGV[3], ARGV[4] == '1'
for k = 1, #KEYS do
    local channel, lines = ARGV[3 + 2 * k], ARGV[4 + 2 * k]
    local skip = false
    if retry then
        for _, entry in ipairs(redis.call('XREVRANGE', KEYS[k], '+', '-', 'COUNT', ARGV[1])) do
            local fields = entry[2]
            for f = 1, #fields, 2 do
                if fields[f] == 'k' and fields[f + 1] == key then skip = true end
            end
        end
    end
    if not skip then
        local parts = {}
        for event in string.gmatch(lines, '[^\\n]+') do
            local id
            if #parts == 0 and key ~= '' then
                id = redis.call('XADD', KEYS[k], 'MAXLEN', '~', ARGV[1], '*', 'e', event, 'k', key)
            else
                id = redis.call('XADD', KEYS[k], 'MAXLEN', '~', ARGV[1], '*', 'e', event)
            end
            if event == '{}' then
                parts[#parts + 1] = '{"id":"' .. id .. '"}'
            else
                parts[#parts + 1] = '{"id":"' .. id .. '",' .. string.sub(event, 2)
            end
        end
        redis.call('PEXPIRE', KEYS[k], ARGV[2])
        redis.call('PUBLISH_COMMAND', channel, '[' .. table.concat(parts, ',') .. ']')
    end
end
return 1
"""
# By whether the channels are sharded (a Cluster): PUBLISH, or SPUBLISH.
_PUBLISH = {
    sharded: Script(_PUBLISH_SOURCE.replace("PUBLISH_COMMAND", command))
    for sharded, command in ((False, "PUBLISH"), (True, "SPUBLISH"))
}

# KEYS[1]: the stream. ARGV: since ('' for none), count, window (ms). Replies the
# server's clock, the stream's newest id, and the entries after `since` — from the
# window's start if `since` is older.
_READ = Script("""
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local newest = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local last = '0-0'
if #newest > 0 then last = newest[1][1] end
if ARGV[1] == '' then return {now, last, {}} end
local floor = now - tonumber(ARGV[3])
local start = '(' .. ARGV[1]
if tonumber(string.match(ARGV[1], '^(%d+)-')) < floor then
    start = string.format('%d', floor) .. '-0'
end
return {now, last, redis.call('XRANGE', KEYS[1], start, '+', 'COUNT', ARGV[2])}
""")


# Through a script for its raw reply (redis-py reshapes a plain XREVRANGE's).
_LATEST = Script("return redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', ARGV[1])")


def _entry(entry: list[Any]) -> dict[str, Any]:
    """A stream entry as delivered: its event, with its id."""
    raw_id, fields = entry
    stored = dict(zip(fields[::2], fields[1::2], strict=True))
    return _stamped(text(raw_id), orjson.loads(stored[b"e"]))


class StreamJournal:
    """Production mode: a Redis stream per channel, written by the publishing script."""

    def __init__(
        self,
        commands: CommandBatcher,
        prefix: str,
        max_events: int,
        window_seconds: float,
        sharded: bool = False,
    ) -> None:
        self._commands = commands
        self._prefix = prefix
        self._max_events = max_events
        self._window_ms = int(window_seconds * 1000)
        self._sharded = sharded

    def _key(self, channel: str) -> str:
        # Sharded, a channel without a hash tag would have its stream on another slot
        # than its pub/sub channel, and its events published on the wrong node.
        assert not self._sharded or "{" in channel, f"channel {channel!r} has no hash tag"
        return f"{self._prefix}events:{channel}"

    async def publish(
        self, batches: Sequence[Batch], key: str | None = None, retry: bool = False
    ) -> None:
        if not self._sharded or len(batches) == 1:
            await self._publish(batches, key, retry)
            return
        # One script per channel's slot, sent together (one pipeline). Each channel's part
        # stays atomic; if one fails, the publish fails, and its retry (the outbox's
        # relay) skips the channels that have their part already, by the key.
        outcomes = await asyncio.gather(
            *(self._publish([batch], key, retry) for batch in batches), return_exceptions=True
        )
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome

    async def _publish(self, batches: Sequence[Batch], key: str | None, retry: bool) -> None:
        keys: list[str] = []
        arguments: list[str | int | bytes] = [
            self._max_events,
            self._window_ms,
            key or "",
            int(retry),
        ]
        for channel, events in batches:
            keys.append(self._key(channel))
            # orjson writes no raw newline: a line is an event.
            lines = b"\n".join(orjson.dumps(e) for e in events)
            arguments += [self._prefix + channel, lines]
        await _PUBLISH[self._sharded].run(self._commands, keys, arguments)

    async def read(self, channel: str, since: EventId | None, count: int) -> Page:
        since_text = "" if since is None else event_id_text(since)
        now, last, entries = await _READ.run(
            self._commands, [self._key(channel)], [since_text, count, self._window_ms]
        )
        last_id = parse_event_id(text(last))
        assert last_id is not None, "Redis names stream entries <ms>-<seq>"
        return Page(int(now), last_id, [_entry(entry) for entry in entries])

    async def latest(self, channel: str, count: int) -> list[dict[str, Any]]:
        entries = await _LATEST.run(self._commands, [self._key(channel)], [count])
        return [_entry(entry) for entry in reversed(entries)]


class RingJournal:
    """Embedded mode: a bounded ring per channel in this process; a channel quiet for the
    window is forgotten, as its Redis stream would expire."""

    def __init__(
        self, backend: MemoryBackend, prefix: str, max_events: int, window_seconds: float
    ) -> None:
        self._backend = backend
        self._prefix = prefix
        self._max_events = max_events
        self._window_ms = int(window_seconds * 1000)
        # Per channel: each event's id, the event, and the key of the publish it began.
        self._rings: OrderedDict[str, deque[tuple[EventId, dict[str, Any], str | None]]] = (
            OrderedDict()
        )
        self._last: EventId = NO_EVENT

    def _next_id(self) -> EventId:
        """Redis's rule: the clock's millisecond, or the last id's plus one in sequence
        when the clock has not moved on (or went back)."""
        now = int(time.time() * 1000)
        ms, seq = self._last
        self._last = (now, 0) if now > ms else (ms, seq + 1)
        return self._last

    def _forget_quiet(self, now_ms: int) -> None:
        while self._rings:
            channel, ring = next(iter(self._rings.items()))
            if ring and ring[-1][0][0] >= now_ms - self._window_ms:
                return
            del self._rings[channel]

    async def publish(
        self, batches: Sequence[Batch], key: str | None = None, retry: bool = False
    ) -> None:
        """In process a publish cannot half-succeed, but the same events may be published
        again from elsewhere (a bet's re-announcement): as in a stream, a retry skips a
        channel whose ring holds its key."""
        for channel, events in batches:
            ring = self._rings.pop(channel, None) or deque(maxlen=self._max_events)
            self._rings[channel] = ring  # the most recently used channel goes last
            if retry and key is not None and any(kept == key for _, _, kept in ring):
                continue
            stamped = []
            for n, event in enumerate(events):
                event_id = self._next_id()
                ring.append((event_id, event, key if n == 0 else None))
                stamped.append(_stamped(event_id_text(event_id), event))
            self._forget_quiet(self._last[0])
            await self._backend.publish(self._prefix + channel, orjson.dumps(stamped).decode())

    async def read(self, channel: str, since: EventId | None, count: int) -> Page:
        now = int(time.time() * 1000)
        ring = self._rings.get(channel, ())
        last = ring[-1][0] if ring else NO_EVENT
        if since is None:
            return Page(now, last, [])
        floor = (now - self._window_ms, 0)
        events = [
            _stamped(event_id_text(event_id), event)
            for event_id, event, _ in ring
            if event_id > since and event_id >= floor
        ][:count]
        return Page(now, last, events)

    async def latest(self, channel: str, count: int) -> list[dict[str, Any]]:
        ring = list(self._rings.get(channel, ()))[-count:]
        return [_stamped(event_id_text(event_id), event) for event_id, event, _ in ring]
