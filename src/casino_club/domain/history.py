"""A player's settled plays as they see them (SPEC §9.2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from casino_club.domain.fairness import FairnessProof
from casino_club.domain.games import Game


@dataclass(frozen=True, slots=True)
class GameRound:
    """One settled play: what was staked and paid, the game's own outcome (as stored),
    and what makes it verifiable."""

    id: int
    game: Game
    stake: int
    payout: int
    outcome: Any
    fairness: FairnessProof
    at: datetime
