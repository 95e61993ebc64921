"""Subscription payloads (SPEC §10)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from casino_club.domain.games import GameEventType
from casino_club.domain.ledger import LedgerReason
from casino_club.schema.scalars import Gold
from casino_club.schema.wallet import LedgerReasonEnum

GameEventTypeEnum = strawberry.enum(GameEventType, name="GameEventType")


EVENT_ID = (
    "This event's id, increasing along the subscription's channel: resubscribe with "
    "`since` set to the last one seen to be given what was missed."
)


@strawberry.type(description="The caller's balance moved.")
class BalanceChange:
    id: strawberry.ID = strawberry.field(description=EVENT_ID)
    gold: Gold
    delta: Gold
    reason: LedgerReasonEnum  # type: ignore[valid-type]
    at: datetime

    @classmethod
    def of(cls, event: dict[str, Any]) -> BalanceChange:
        return cls(
            id=strawberry.ID(event["id"]),
            gold=Gold(event["gold"]),
            delta=Gold(event["delta"]),
            reason=LedgerReason(event["reason"]),
            at=datetime.fromisoformat(event["at"]),
        )


@strawberry.type(description="Something happened in one of the caller's games.")
class GameEvent:
    id: strawberry.ID = strawberry.field(description=EVENT_ID)
    type: GameEventTypeEnum  # type: ignore[valid-type]
    round_id: strawberry.ID | None
    at: datetime
    data: JSON

    @classmethod
    def of(cls, event: dict[str, Any]) -> GameEvent:
        round_id = event.get("roundId")
        return cls(
            id=strawberry.ID(event["id"]),
            type=GameEventType(event["type"]),
            round_id=strawberry.ID(str(round_id)) if round_id is not None else None,
            at=datetime.fromisoformat(event["at"]),
            data=event["data"],
        )


@strawberry.type(description="A game event of some player, as operators monitor them.")
class MonitorEvent:
    id: strawberry.ID = strawberry.field(description=EVENT_ID)
    user_id: strawberry.ID
    type: GameEventTypeEnum  # type: ignore[valid-type]
    round_id: strawberry.ID | None
    at: datetime
    data: JSON

    @classmethod
    def of(cls, event: dict[str, Any]) -> MonitorEvent:
        game = GameEvent.of(event)
        return cls(
            id=game.id,
            user_id=strawberry.ID(str(event["userId"])),
            type=game.type,
            round_id=game.round_id,
            at=game.at,
            data=game.data,
        )
