"""The live feeds clients subscribe to (SPEC §10): a player's own events, and every
player's game events for operators' monitor. Events travel as JSON (resolvers/live.py
writes them); here they become values again.

A player's feed gives an item for every event of their channel, None for those it does
not show: the schema re-checks the caller's session on each, so a feed ends with its
session even while only other kinds of event arrive.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from casino_club.domain.games import GameEventType
from casino_club.domain.ledger import LedgerReason
from casino_club.domain.live_events import BalanceChange, GameEvent, MonitorEvent
from casino_club.live.events import MONITOR_CHANNEL, user_channel
from casino_club.live.journal import EventId
from casino_club.services import Services


async def balance_changes(
    services: Services, user_id: int, since: EventId | None
) -> AsyncIterator[BalanceChange | None]:
    """The player's balance changes, in order: those after `since` still kept, then
    live; None for each other event of the channel (read, not parsed)."""
    async for event in _channel(services, user_channel(user_id), since):
        yield _balance_change(event, user_id) if event.get("kind") == "balance" else None


async def game_events(
    services: Services, user_id: int, since: EventId | None
) -> AsyncIterator[GameEvent | None]:
    """The player's game events, in order, as `balance_changes` gives its own."""
    async for event in _channel(services, user_channel(user_id), since):
        yield _game_event(event, user_id) if event.get("kind") == "game" else None


async def monitor_events(
    services: Services, since: EventId | None, *, snapshot: int
) -> AsyncIterator[MonitorEvent]:
    """Every player's game events: after `since`, or else the newest `snapshot` kept
    first; then live."""
    async for event in _channel(services, MONITOR_CHANNEL, since, snapshot):
        game = _game_event(event, int(event["userId"]))
        yield MonitorEvent(
            id=game.id,
            user_id=game.user_id,
            type=game.type,
            round_id=game.round_id,
            at=game.at,
            data=game.data,
        )


async def _channel(
    services: Services, channel: str, since: EventId | None, snapshot: int = 0
) -> AsyncIterator[dict[str, Any]]:
    async with services.events.subscribe(channel, since, snapshot) as stream:
        async for event in stream:
            yield event


def _balance_change(event: dict[str, Any], user_id: int) -> BalanceChange:
    return BalanceChange(
        id=event["id"],
        user_id=user_id,
        gold=event["gold"],
        delta=event["delta"],
        reason=LedgerReason(event["reason"]),
        at=datetime.fromisoformat(event["at"]),
    )


def _game_event(event: dict[str, Any], user_id: int) -> GameEvent:
    round_id = event.get("roundId")
    return GameEvent(
        id=event["id"],
        user_id=user_id,
        type=GameEventType(event["type"]),
        round_id=None if round_id is None else str(round_id),
        at=datetime.fromisoformat(event["at"]),
        data=event["data"],
    )
