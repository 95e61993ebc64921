"""A player's seed pair as shown, and what changing it answers (SPEC §6.1).

The server seed stays secret while it is active (only its hash is shown); rotating it
reveals it, so every round it served can be checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from casino_club.domain.errors import ErrorCode
from casino_club.domain.games import Game


@dataclass(frozen=True, slots=True)
class Fairness:
    """The active seed pair, and the nonce the next bet will use."""

    server_seed_hash: str
    client_seed: str
    nonce: int


@dataclass(frozen=True, slots=True)
class RevealedSeed:
    """A retired server seed, now public."""

    server_seed: str
    server_seed_hash: str
    client_seed: str
    rounds: int  # nonces 0 … rounds−1 were used with this seed
    revealed_at: datetime


@dataclass(frozen=True, slots=True)
class FairnessUpdated:
    fairness: Fairness


@dataclass(frozen=True, slots=True)
class ServerSeedRotated:
    revealed: RevealedSeed
    fairness: Fairness


@dataclass(frozen=True, slots=True)
class SeedInUse:
    """A round the seed decided has not settled: revealing the seed would reveal it."""

    code: ClassVar[ErrorCode] = ErrorCode.SEED_IN_USE
    game: Game
    round_id: int

    @property
    def message(self) -> str:
        return (
            f"The server seed decided {self.game.value} round {self.round_id}, which is still "
            "running; it can be revealed once that round has settled"
        )
