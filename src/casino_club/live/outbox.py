"""Publishing after commit that outlives a Redis outage (SPEC §10, §13).

A transaction's events are published once it commits. If publishing fails (Redis away,
or too slow), the events are written to the database (`undelivered_events`) and the
relay job publishes them, oldest first, once Redis takes them again. Meanwhile a
channel with events waiting is "held": later events on it are kept behind them rather
than overtake them. This process knows at once which channels it holds; those another
instance holds it learns at each relay pass (every EVENT_RELAY_INTERVAL_SECONDS), so for
that long after an outage an event published here may overtake one kept there.

Within this process a channel's publishes go one at a time (the first channel of each
publish: the player's, or the broadcast), so a publish that fails after a later one
started cannot be overtaken by it. Every publish carries a key, kept in the journal with
its events, and a retried publish (`retry=True`: the relay's, a bet's re-announcement)
skips a channel whose journal holds it: a publish whose reply timed out after Redis had
done it, or a relayed row published again after its deletion failed, is not delivered
twice while the journal still holds it (the replay window, SPEC §10, and the channel's
last EVENT_REPLAY_MAX_EVENTS: under load the busy `monitor` channel may show a retried
publish twice).

A process killed between a commit and its publish loses that publish — except a keyed
bet's. A bet's events go out under a key named for the bet (resolvers/betting.py), and
are stored with its idempotency key's answer in the bet's transaction; a retry answered
from that stored answer publishes them again with `retry=True` before it answers
(resolvers/guards.stored_answer). So a client that retries (as it must, having had no
answer) gets its bet announced, once, before anything it does next (a retry that
overtakes a live first attempt, still between its commit and its publish, may deliver
the bet twice: that first publish does not check). What is still lost
with a killed process: a bet sent without a key, or whose client never retries; a crash
round's settlement (cash-out, lazy or swept); and every other commit's events (check-ins,
purchases, operators' adjustments, notifications). The committed state is intact; a
client that refetches sees it.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import Counter
from collections.abc import Sequence

import orjson
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from casino_club.clock import Clock
from casino_club.live.events import EventBus
from casino_club.live.journal import Batch
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
        self._held: set[str] = set()  # channels with events waiting in the database
        # Keeping events and the relay's release of a channel are one step: no event is
        # kept after the relay found its channel empty and let it go.
        self._holding = asyncio.Lock()
        self._turns: dict[str, asyncio.Lock] = {}
        self._waiting_turns: Counter[str] = Counter()

    async def publish(
        self, batches: Sequence[Batch], key: str | None = None, retry: bool = False
    ) -> None:
        """Publish committed events, each channel's in order; never raises (the
        transaction stands, and its answer must reach the player). The first channel's
        publishes go one at a time, in the order they asked.

        `key`: what names these events wherever they are published from (a bet's, from
        its round), None for a fresh one; `retry`: they may have been published already
        under it (a bet's re-announcement), so each channel whose stream holds the key
        is skipped."""
        batches = [(channel, events) for channel, events in batches if events]
        if not batches:
            return
        ordered = batches[0][0]
        turn = self._turns.setdefault(ordered, asyncio.Lock())
        self._waiting_turns[ordered] += 1
        try:
            async with turn:
                await self._publish_in_turn(batches, key or uuid.uuid4().hex, retry)
        finally:
            self._waiting_turns[ordered] -= 1
            if not self._waiting_turns[ordered]:
                del self._waiting_turns[ordered], self._turns[ordered]

    async def _publish_in_turn(self, batches: Sequence[Batch], key: str, retry: bool) -> None:
        if not any(channel in self._held for channel, _ in batches):
            try:
                await self._bus.publish_all(batches, key, retry)
                return
            except Exception as error:
                log.warning("publishing failed, events kept for the relay: %r", error)
        async with self._holding:
            self._held.update(channel for channel, _ in batches)
            try:
                async with self._sessionmaker.begin() as session:
                    now = self._clock.now()
                    for channel, events in batches:
                        await undelivered_events.keep(session, channel, events, key, now)
            except Exception:
                log.exception("events lost: neither Redis nor the database took them")

    async def relay(self) -> int:
        """Publish waiting events, oldest first; how many rows went out. Then hold
        exactly the channels that still have some waiting (this instance's or others')."""
        relayed = 0
        while True:
            done, complete = await self._relay_batch()
            relayed += done
            if not complete or done < RELAY_BATCH:
                break
        async with self._holding, self._sessionmaker() as session:
            self._held = await undelivered_events.channels_waiting(session)
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
                    await self._bus.publish_all(
                        [(row.channel, orjson.loads(row.events))], row.batch_key, retry=True
                    )
                except Exception as error:
                    log.warning("relaying events failed, retried later: %r", error)
                    return published, False  # what went out is deleted on commit
                await undelivered_events.remove(session, row.id)
                published += 1
        return published, True
