"""Subscription payloads (SPEC §10)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from casino_club.domain import live_events
from casino_club.domain.games import GameEventType
from casino_club.domain.ids import NodeKind, global_id
from casino_club.schema.identity import LazyPlayer as Player
from casino_club.schema.identity import player as player_field
from casino_club.schema.identity import required_reference
from casino_club.schema.outcomes import presents
from casino_club.schema.scalars import Gold
from casino_club.schema.wallet import LedgerReasonEnum

GameEventTypeEnum = strawberry.enum(GameEventType, name="GameEventType")


EVENT_ID = (
    "This event's id, increasing along the subscription's channel: resubscribe with "
    "`since` set to the last one seen to be given what was missed."
)


ROUND_ID = (
    "The round's global id: a CrashRound for CRASH_BET and CRASH_SETTLED, else a "
    "GameRound; null for events of no round."
)
# Crash events name the crash round (its running state); every other play its history row.
CRASH_EVENTS = frozenset({GameEventType.CRASH_BET, GameEventType.CRASH_SETTLED})


def round_reference(
    root: strawberry.Parent[live_events.GameEvent | live_events.MonitorEvent],
) -> strawberry.ID | None:
    if root.round_id is None:
        return None
    kind = NodeKind.CRASH_ROUND if root.type in CRASH_EVENTS else NodeKind.GAME_ROUND
    return strawberry.ID(global_id(kind, root.round_id))


@presents(live_events.BalanceChange)
@strawberry.type(description="The caller's balance moved.")
class BalanceChange:
    id: strawberry.ID = strawberry.field(description=EVENT_ID)
    gold: Gold
    delta: Gold
    reason: LedgerReasonEnum  # type: ignore[valid-type]
    at: datetime
    player: Player = player_field(
        description="Whose balance moved: the player as they are now (their gold), so a "
        "normalized cache updates them.",
        attribute="user_id",
    )


@presents(live_events.GameEvent)
@strawberry.type(description="Something happened in one of the caller's games.")
class GameEvent:
    id: strawberry.ID = strawberry.field(description=EVENT_ID)
    type: GameEventTypeEnum  # type: ignore[valid-type]
    round_id: strawberry.ID | None = strawberry.field(
        resolver=round_reference, description=ROUND_ID
    )
    player: Player = player_field(
        description="Whose game: the player as they are now (their gold, their level).",
        attribute="user_id",
    )
    at: datetime
    data: JSON


@presents(live_events.MonitorEvent, described=True)
@strawberry.type
class MonitorEvent:
    id: strawberry.ID = strawberry.field(description=EVENT_ID)
    user_id: strawberry.ID = required_reference(
        NodeKind.PLAYER, "user_id", description="The player's global id (a Player)."
    )
    type: GameEventTypeEnum  # type: ignore[valid-type]
    round_id: strawberry.ID | None = strawberry.field(
        resolver=round_reference, description=ROUND_ID
    )
    at: datetime
    data: JSON
