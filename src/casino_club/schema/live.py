"""Subscription payloads (SPEC §10)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from casino_club.domain import live_events
from casino_club.domain.games import GameEventType
from casino_club.schema.outcomes import presents
from casino_club.schema.scalars import Gold
from casino_club.schema.wallet import LedgerReasonEnum

GameEventTypeEnum = strawberry.enum(GameEventType, name="GameEventType")


EVENT_ID = (
    "This event's id, increasing along the subscription's channel: resubscribe with "
    "`since` set to the last one seen to be given what was missed."
)


@presents(live_events.BalanceChange)
@strawberry.type(description="The caller's balance moved.")
class BalanceChange:
    id: strawberry.ID = strawberry.field(description=EVENT_ID)
    gold: Gold
    delta: Gold
    reason: LedgerReasonEnum  # type: ignore[valid-type]
    at: datetime


@presents(live_events.GameEvent)
@strawberry.type(description="Something happened in one of the caller's games.")
class GameEvent:
    id: strawberry.ID = strawberry.field(description=EVENT_ID)
    type: GameEventTypeEnum  # type: ignore[valid-type]
    round_id: strawberry.ID | None
    at: datetime
    data: JSON


@presents(live_events.MonitorEvent, described=True)
@strawberry.type
class MonitorEvent:
    id: strawberry.ID = strawberry.field(description=EVENT_ID)
    user_id: strawberry.ID
    type: GameEventTypeEnum  # type: ignore[valid-type]
    round_id: strawberry.ID | None
    at: datetime
    data: JSON
