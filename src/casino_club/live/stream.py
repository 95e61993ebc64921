"""What one subscription reads: its channel's events, in id order, each once, boundedly.

Live events are pushed in by the process's one listener (`Fanout`); what the journal
kept is pulled in pages when the subscriber asked for events `since` an id, and again
when the pub/sub connection came back after a loss (events published meanwhile reached
the journal but no listener). Either way an event whose id is not past the last one
delivered is dropped, so a replay that overlaps live delivery gives no duplicate.

A subscriber too slow to keep up — more than QUEUE_SIZE live events behind, or none
taken for STALL_SECONDS while some wait — is ended with `SubscriptionOverflow` rather
than grow server memory without limit; it should resubscribe with `since`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

from casino_club.live.journal import EventId, parse_event_id

log = logging.getLogger(__name__)

QUEUE_SIZE = 64
STALL_SECONDS = 10.0
# Events read from the journal at a time: a replay holds at most this many in memory.
PAGE_SIZE = 64
# Put in every stream when the pub/sub connection is back: read the journal from here.
RESUMED: dict[str, Any] = {"kind": "resumed"}

Reader = Callable[[EventId], Coroutine[Any, Any, list[dict[str, Any]]]]


class SubscriptionOverflow(Exception):
    """The subscriber fell too far behind (QUEUE_SIZE events, or STALL_SECONDS)."""


class ReplayUnavailable(SubscriptionOverflow):
    """Events the subscriber missed could not be read from the journal (Redis away): rather
    than go on with a gap, the stream ends, and the subscriber resubscribes with `since`."""


class EventStream:
    def __init__(self, limit: int = QUEUE_SIZE, stall_seconds: float = STALL_SECONDS) -> None:
        self._limit = limit
        self._stall_seconds = stall_seconds
        self._pending: deque[tuple[float, dict[str, Any]]] = deque()
        self._ready = asyncio.Event()
        self._last_taken = time.monotonic()
        self._ended = False
        self._replay: deque[dict[str, Any]] = deque()
        self._reader: Reader | None = None
        self._last: EventId | None = None  # None: where it stands is unknown
        self._behind = False  # the journal may hold events not yet delivered
        # A journal read under way: it outlives a reader's timeout (`next(within)`), so
        # a slow read is finished by the next call instead of started again.
        self._reading: asyncio.Task[list[dict[str, Any]]] | None = None

    def begin(
        self,
        reader: Reader,
        position: EventId | None,
        first_page: list[dict[str, Any]] | None = None,
    ) -> None:
        """Where the subscriber stands (the id it saw last, or the channel's newest when
        it subscribed; None if unknown), what the journal gave after it (None: not read
        yet, read it first), and how to read on."""
        self._reader = reader
        self._last = position
        if first_page is None:
            self._behind = position is not None
        else:
            self._replay.extend(first_page)
            self._behind = len(first_page) >= PAGE_SIZE

    def offer(self, event: dict[str, Any]) -> bool:
        """Queue a live event; False once the reader has fallen too far behind (it then
        reads what is queued, and SubscriptionOverflow after it)."""
        if self._ended:
            return False
        now = time.monotonic()
        waiting = bool(self._pending) and (
            now - max(self._pending[0][0], self._last_taken) > self._stall_seconds
        )
        if waiting or len(self._pending) >= self._limit:
            self._ended = True
            self._ready.set()
            return False
        self._pending.append((now, event))
        self._ready.set()
        return True

    async def _catch_up(self) -> None:
        """The next page from the journal after the last event delivered."""
        if self._reader is None or self._last is None:
            raise ReplayUnavailable  # it cannot know what it missed
        if self._reading is None:
            self._reading = asyncio.create_task(self._reader(self._last))
            # Its failure is raised to the reader; if the subscription has ended by then,
            # nobody is left to hear it.
            self._reading.add_done_callback(lambda task: task.cancelled() or task.exception())
        try:
            page = await asyncio.shield(self._reading)
        except asyncio.CancelledError:
            # The reader gave up waiting: the read (or its result) waits for the next
            # call, unless the read itself was cancelled (then the next call reads again).
            if self._reading.cancelled():
                self._reading = None
            raise
        except Exception as error:
            self._reading = None
            log.warning("reading missed events failed: %r", error)
            raise ReplayUnavailable from error
        self._reading = None
        self._replay.extend(page)
        self._behind = len(page) >= PAGE_SIZE

    async def _next_candidate(self) -> dict[str, Any]:
        while True:
            if self._replay:
                return self._replay.popleft()
            if self._behind:
                await self._catch_up()
                continue
            while not self._pending:
                if self._ended:
                    raise SubscriptionOverflow
                self._ready.clear()
                await self._ready.wait()
            event = self._pending.popleft()[1]
            if event is not RESUMED:
                return event
            self._behind = True

    async def _take(self) -> dict[str, Any]:
        while True:
            event = await self._next_candidate()
            event_id = parse_event_id(str(event.get("id", "")))
            if event_id is not None:
                if self._last is not None and event_id <= self._last:
                    continue  # delivered already (a replay and live delivery overlap)
                self._last = event_id
            self._last_taken = time.monotonic()
            return event

    async def next(self, within: float) -> dict[str, Any] | None:
        """The next event, or None if none arrives within `within` seconds.

        For readers that also keep time (crash ticks): unlike cancelling the iterator,
        a timeout here leaves the stream usable (nothing is taken until it is returned).
        """
        try:
            return await asyncio.wait_for(self._take(), max(within, 0.0))
        except TimeoutError:
            return None

    def __aiter__(self) -> AsyncIterator[dict[str, Any]]:
        return self._events()

    async def _events(self) -> AsyncIterator[dict[str, Any]]:
        while True:
            yield await self._take()


async def merged(*streams: EventStream) -> AsyncIterator[dict[str, Any]]:
    """Several streams' events as they come (each stream's in its order); ends, with its
    error, when one of them does."""
    readers = [aiter(stream) for stream in streams]
    waiting = {asyncio.ensure_future(anext(reader)): reader for reader in readers}
    try:
        while True:
            done, _ = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
            for task in sorted(done, key=lambda t: readers.index(waiting[t])):
                reader = waiting.pop(task)
                yield task.result()
                waiting[asyncio.ensure_future(anext(reader))] = reader
    finally:
        for task in waiting:
            task.cancel()
