"""Game history types (SPEC §9.2)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from casino_club.domain import games
from casino_club.schema.fairness import GameEnum
from casino_club.schema.games import FairnessProof
from casino_club.schema.outcomes import presents
from casino_club.schema.scalars import Gold


@presents(games.GameRound)
@strawberry.type(description="One settled play.")
class GameRound(relay.Node):
    id: relay.NodeID[int]
    game: GameEnum  # type: ignore[valid-type]
    stake: Gold
    payout: Gold
    outcome: JSON
    fairness: FairnessProof
    at: datetime
