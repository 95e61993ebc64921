"""Dice types (SPEC §6.6)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from casino_club.domain.dice import Direction
from casino_club.schema.errors import ValidationFailed
from casino_club.schema.games import (
    FairnessProof,
    IdempotencyKeyInUse,
    IdempotencyKeyReused,
    InDebt,
    InsufficientFunds,
    InvalidStake,
    LossLimitReached,
    PlayerExcluded,
    RateLimited,
)
from casino_club.schema.scalars import Gold

DiceDirection = strawberry.enum(Direction, name="DiceDirection")


@strawberry.input
class DiceRollInput:
    stake: Gold
    chance: float = strawberry.field(description="Win chance in percent, 1.00–95.00, step 0.01")
    direction: DiceDirection  # type: ignore[valid-type]
    idempotency_key: str | None = None


@strawberry.type
class DiceRollSuccess:
    round_id: strawberry.ID
    roll: float = strawberry.field(description="0.00–99.99")
    chance: float
    direction: DiceDirection  # type: ignore[valid-type]
    won: bool
    stake: Gold
    payout: Gold
    balance: Gold
    fairness: FairnessProof
    replayed: bool

    def to_payload(self) -> dict[str, Any]:
        return {
            "roundId": str(self.round_id),
            "roll": self.roll,
            "chance": self.chance,
            "direction": Direction(self.direction).value,
            "won": self.won,
            "stake": int(self.stake),
            "payout": int(self.payout),
            "balance": int(self.balance),
            "fairness": self.fairness.to_payload(),
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any], *, replayed: bool) -> DiceRollSuccess:
        return cls(
            round_id=strawberry.ID(payload["roundId"]),
            roll=payload["roll"],
            chance=payload["chance"],
            direction=Direction(payload["direction"]),
            won=payload["won"],
            stake=Gold(payload["stake"]),
            payout=Gold(payload["payout"]),
            balance=Gold(payload["balance"]),
            fairness=FairnessProof.from_payload(payload["fairness"]),
            replayed=replayed,
        )


DiceRollResult = Annotated[
    DiceRollSuccess
    | InsufficientFunds
    | LossLimitReached
    | InvalidStake
    | PlayerExcluded
    | InDebt
    | RateLimited
    | IdempotencyKeyReused
    | IdempotencyKeyInUse
    | ValidationFailed,
    strawberry.union("DiceRollResult"),
]


@strawberry.type(description="Dice rules: a win pays 99 / chance times the stake.")
class DiceConfig:
    min_chance: float
    max_chance: float
    chance_step: float
    return_percent: int
    house_edge_percent: int
    rtp: float = strawberry.field(description="Before rounding payouts down to whole gold")
    min_stake: Gold
    max_stake: Gold
