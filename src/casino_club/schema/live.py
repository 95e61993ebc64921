"""Subscription payloads (SPEC §10)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from casino_club.domain import live_events
from casino_club.domain.games import GameEventType
from casino_club.domain.ids import NodeKind, global_id
from casino_club.schema.enums import graphql_enum
from casino_club.schema.identity import LazyPlayer as Player
from casino_club.schema.identity import player as player_field
from casino_club.schema.identity import required_reference
from casino_club.schema.outcomes import presents
from casino_club.schema.scalars import Gold
from casino_club.schema.wallet import LedgerReasonEnum

G = GameEventType
GameEventTypeEnum = graphql_enum(
    GameEventType,
    "GameEventType",
    "What a game event reports; published after the change is committed.",
    {
        G.SLOT_SPIN: "A slot spin was settled.",
        G.RPS_PLAY: "A rock-paper-scissors round was settled.",
        G.DICE_ROLL: "A dice roll was settled.",
        G.GACHA_PULL: "A gacha pull was made.",
        G.WHEEL_SPIN: "A prize-wheel spin was settled.",
        G.CRASH_BET: "A crash round was opened.",
        G.CRASH_SETTLED: "A crash round ended (cashed out or crashed).",
        G.PURCHASE: "A purchase succeeded and its gold was granted.",
        G.DAILY_CHECKIN: "The daily reward was claimed.",
        G.LEVEL_UP: "The player reached a new level.",
        G.MISSION_PROGRESS: "A mission's progress moved.",
        G.MISSION_COMPLETED: "A mission reached its target: its reward can be claimed.",
    },
)


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
    gold: Gold = strawberry.field(description="The caller's gold after the change.")
    delta: Gold = strawberry.field(description="The change: positive credited, negative debited.")
    reason: LedgerReasonEnum = strawberry.field(  # type: ignore[valid-type]
        description="Why it moved (the ledger row's reason)."
    )
    at: datetime = strawberry.field(description="When it was committed.")
    player: Player = player_field(
        description="Whose balance moved: the player as they are now (their gold), so a "
        "normalized cache updates them.",
        attribute="user_id",
    )


@presents(live_events.GameEvent)
@strawberry.type(description="Something happened in one of the caller's games.")
class GameEvent:
    id: strawberry.ID = strawberry.field(description=EVENT_ID)
    type: GameEventTypeEnum = strawberry.field(  # type: ignore[valid-type]
        description="What happened."
    )
    round_id: strawberry.ID | None = strawberry.field(
        resolver=round_reference, description=ROUND_ID
    )
    player: Player = player_field(
        description="Whose game: the player as they are now (their gold, their level).",
        attribute="user_id",
    )
    at: datetime = strawberry.field(description="When it was committed.")
    data: JSON = strawberry.field(
        description="The event's details, a JSON object whose keys depend on `type` (e.g. stake "
        "and payout for a play, the level for LEVEL_UP)."
    )


@presents(live_events.MonitorEvent, described=True)
@strawberry.type
class MonitorEvent:
    id: strawberry.ID = strawberry.field(description=EVENT_ID)
    user_id: strawberry.ID = required_reference(
        NodeKind.PLAYER, "user_id", description="The player's global id (a Player)."
    )
    type: GameEventTypeEnum = strawberry.field(  # type: ignore[valid-type]
        description="What happened."
    )
    round_id: strawberry.ID | None = strawberry.field(
        resolver=round_reference, description=ROUND_ID
    )
    at: datetime = strawberry.field(description="When it was committed.")
    data: JSON = strawberry.field(description="The event's details, as in GameEvent.data.")
