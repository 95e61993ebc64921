"""Prize wheel types (SPEC §6.6)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from casino_club.domain.wheel import PrizeKind
from casino_club.schema.errors import ValidationFailed
from casino_club.schema.games import (
    FairnessProof,
    IdempotencyKeyInUse,
    IdempotencyKeyReused,
    InDebt,
    InsufficientFunds,
    LossLimitReached,
    PlayerExcluded,
    RateLimited,
)
from casino_club.schema.scalars import Gold

PrizeKindEnum = strawberry.enum(PrizeKind, name="WheelPrizeKind")


@strawberry.input
class WheelSpinInput:
    idempotency_key: str | None = None


@strawberry.type
class WheelSegment:
    index: int
    label: str
    kind: PrizeKindEnum  # type: ignore[valid-type]
    gold: Gold
    item_id: str | None
    weight: int
    probability: float


@strawberry.type
class WheelSpinSuccess:
    round_id: strawberry.ID
    segment_index: int
    label: str
    kind: PrizeKindEnum  # type: ignore[valid-type]
    won_gold: Gold
    won_item_id: str | None
    free: bool = strawberry.field(description="The day's free spin")
    paid_gold: Gold
    balance: Gold
    fairness: FairnessProof
    replayed: bool

    def to_payload(self) -> dict[str, Any]:
        return {
            "roundId": str(self.round_id),
            "segmentIndex": self.segment_index,
            "label": self.label,
            "kind": PrizeKind(self.kind).value,
            "wonGold": int(self.won_gold),
            "wonItemId": self.won_item_id,
            "free": self.free,
            "paidGold": int(self.paid_gold),
            "balance": int(self.balance),
            "fairness": self.fairness.to_payload(),
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any], *, replayed: bool) -> WheelSpinSuccess:
        return cls(
            round_id=strawberry.ID(payload["roundId"]),
            segment_index=payload["segmentIndex"],
            label=payload["label"],
            kind=PrizeKind(payload["kind"]),
            won_gold=Gold(payload["wonGold"]),
            won_item_id=payload["wonItemId"],
            free=payload["free"],
            paid_gold=Gold(payload["paidGold"]),
            balance=Gold(payload["balance"]),
            fairness=FairnessProof.from_payload(payload["fairness"]),
            replayed=replayed,
        )


WheelSpinResult = Annotated[
    WheelSpinSuccess
    | InsufficientFunds
    | LossLimitReached
    | PlayerExcluded
    | InDebt
    | RateLimited
    | IdempotencyKeyReused
    | IdempotencyKeyInUse
    | ValidationFailed,
    strawberry.union("WheelSpinResult"),
]


@strawberry.type
class ExpectedItem:
    item_id: str
    per_spin: float


@strawberry.type(description="The wheel's segments and the exact expected value of a spin.")
class WheelConfig:
    segments: list[WheelSegment]
    spin_cost: Gold
    free_spins_per_day: int
    expected_gold: float = strawberry.field(description="Gold won per spin on average")
    expected_gold_exact: str
    expected_items: list[ExpectedItem] = strawberry.field(
        description="Items won per spin on average"
    )
    expected_net_gold_paid: float = strawberry.field(
        description="Expected gold won minus the cost, for a paid spin (items not valued)"
    )
