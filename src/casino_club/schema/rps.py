"""Rock-paper-scissors types (SPEC §6.5)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from casino_club.domain.rps import Move, Result
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

RpsMove = strawberry.enum(Move, name="RpsMove")
RpsResultKind = strawberry.enum(Result, name="RpsOutcome")


@strawberry.input
class RpsPlayInput:
    stake: Gold
    move: RpsMove  # type: ignore[valid-type]
    idempotency_key: str | None = None


@strawberry.type
class RpsPlaySuccess:
    round_id: strawberry.ID
    move: RpsMove  # type: ignore[valid-type]
    server_move: RpsMove  # type: ignore[valid-type]
    outcome: RpsResultKind  # type: ignore[valid-type]
    stake: Gold
    payout: Gold
    balance: Gold
    fairness: FairnessProof
    replayed: bool

    def to_payload(self) -> dict[str, Any]:
        return {
            "roundId": str(self.round_id),
            "move": Move(self.move).value,
            "serverMove": Move(self.server_move).value,
            "outcome": Result(self.outcome).value,
            "stake": int(self.stake),
            "payout": int(self.payout),
            "balance": int(self.balance),
            "fairness": self.fairness.to_payload(),
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any], *, replayed: bool) -> RpsPlaySuccess:
        return cls(
            round_id=strawberry.ID(payload["roundId"]),
            move=Move(payload["move"]),
            server_move=Move(payload["serverMove"]),
            outcome=Result(payload["outcome"]),
            stake=Gold(payload["stake"]),
            payout=Gold(payload["payout"]),
            balance=Gold(payload["balance"]),
            fairness=FairnessProof.from_payload(payload["fairness"]),
            replayed=replayed,
        )


RpsPlayResult = Annotated[
    RpsPlaySuccess
    | InsufficientFunds
    | LossLimitReached
    | InvalidStake
    | PlayerExcluded
    | InDebt
    | RateLimited
    | IdempotencyKeyReused
    | IdempotencyKeyInUse
    | ValidationFailed,
    strawberry.union("RpsPlayResult"),
]


@strawberry.type(description="Rock-paper-scissors rules and exact return.")
class RpsConfig:
    win_multiplier: float
    draw_multiplier: float
    rtp: float
    rtp_exact: str
    min_stake: Gold
    max_stake: Gold
