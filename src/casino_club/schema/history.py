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
    game: GameEnum = strawberry.field(description="The game played.")  # type: ignore[valid-type]
    stake: Gold = strawberry.field(
        description="Gold bet (the price of a gacha pull or paid wheel spin; 0 for a free spin)."
    )
    payout: Gold = strawberry.field(description="Gold credited, the stake included (0 on a loss).")
    outcome: JSON = strawberry.field(
        description="The game's own result, e.g. reels for SLOTS, items for GACHA; its shape is "
        "the game's success type's."
    )
    fairness: FairnessProof = strawberry.field(
        description="What proves it: verify once the seed is revealed."
    )
    at: datetime = strawberry.field(description="When it was settled.")
