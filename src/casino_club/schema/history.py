"""Game history types (SPEC §9.2)."""

from __future__ import annotations

from datetime import datetime

import orjson
import strawberry
from strawberry.scalars import JSON

from casino_club.domain.games import Game
from casino_club.persistence.fairness import proof_of
from casino_club.persistence.models import GameRound as GameRoundRow
from casino_club.schema.fairness import GameEnum
from casino_club.schema.games import FairnessProof
from casino_club.schema.scalars import Gold


@strawberry.type(description="One settled play.")
class GameRound:
    id: strawberry.ID
    game: GameEnum  # type: ignore[valid-type]
    stake: Gold
    payout: Gold
    outcome: JSON
    fairness: FairnessProof
    at: datetime

    @classmethod
    def of(cls, row: GameRoundRow) -> GameRound:
        return cls(
            id=strawberry.ID(str(row.id)),
            game=Game(row.game),
            stake=Gold(row.stake),
            payout=Gold(row.payout),
            outcome=orjson.loads(row.outcome),
            fairness=proof_of(row),
            at=row.created_at,
        )
