"""Publishing after commit that outlives a Redis outage (SPEC §10, §13).

A transaction's events are published once it commits. If publishing fails (Redis away,
or too slow), the events are written to the database (`undelivered_events`) and the
relay job publishes them, oldest first, once Redis takes them again; until then, this
process's later events on the same channel queue behind them there, so a channel's
events still go out in the order they were caused. A process killed between a commit and
its publish loses that publish; a subscriber's `since` cannot recover it either.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

import orjson
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from casino_club.clock import Clock
from casino_club.event_journal import Batch
from casino_club.events import EventBus
from casino_club.persistence import undelivered_events

log = logging.getLogger(__name__)

RELAY_BATCH = 200


class EventOutbox:
    def __init__(
        self, bus: EventBus, sessionmaker: async_sessionmaker[AsyncSession], clock: Clock
    ) -> None:
        self._bus = bus
        self._sessionmaker = sessionmaker
        self._clock = clock
        self._held: set[str] = set()  # channels with events of this process waiting
        # Keeping events, and letting a channel go back to publishing directly, are one
        # step: no event may be kept after the relay found its channel empty.
        self._holding = asyncio.Lock()

    async def publish(self, batches: Sequence[Batch]) -> None:
        """Publish committed events, each channel's in order; never raises (the
        transaction stands, and its answer must reach the player)."""
        batches = [(channel, events) for channel, events in batches if events]
        if not any(channel in self._held for channel, _ in batches):
            try:
                await self._bus.publish_all(batches)
                return
            except Exception as error:
                log.warning("publishing failed, events kept for the relay: %r", error)
        async with self._holding:
            self._held.update(channel for channel, _ in batches)
            try:
                async with self._sessionmaker.begin() as session:
                    for channel, events in batches:
                        await undelivered_events.keep(session, channel, events, self._clock.now())
            except Exception:
                log.exception("events lost: neither Redis nor the database took them")

    async def relay(self) -> int:
        """Publish waiting events, oldest first; how many rows went out."""
        relayed = 0
        while True:
            async with self._sessionmaker() as session:
                if not await undelivered_events.any_waiting(session):
                    break
            done, complete = await self._relay_batch()
            relayed += done
            if not complete:
                return relayed
        if self._held:
            async with self._holding, self._sessionmaker() as session:
                if not await undelivered_events.any_waiting(session, sorted(self._held)):
                    self._held.clear()
        return relayed

    async def _relay_batch(self) -> tuple[int, bool]:
        """One transaction's worth; (published, whether all of it went)."""
        published = 0
        async with self._sessionmaker.begin() as session:
            if not await undelivered_events.take_the_relay(session):
                return 0, False  # another instance relays
            rows = await undelivered_events.oldest(session, RELAY_BATCH)
            for row in rows:
                try:
                    await self._bus.publish(row.channel, *orjson.loads(row.events))
                except Exception as error:
                    log.warning("relaying events failed, retried later: %r", error)
                    return published, False  # what went out is deleted on commit
                await undelivered_events.remove(session, row.id)
                published += 1
        return published, True
