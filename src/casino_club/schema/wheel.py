"""Prize wheel types (SPEC §6.6)."""

from __future__ import annotations

import strawberry

from casino_club.domain import wheel
from casino_club.domain.ids import NodeKind
from casino_club.domain.wheel import PrizeKind
from casino_club.schema.games import FairnessProof
from casino_club.schema.identity import LazyPlayer as Player
from casino_club.schema.identity import player as player_field
from casino_club.schema.identity import required_reference
from casino_club.schema.outcomes import bet_result, presents
from casino_club.schema.scalars import Gold

PrizeKindEnum = strawberry.enum(PrizeKind, name="WheelPrizeKind")


@strawberry.input
class WheelSpinInput:
    idempotency_key: str | None = None


@presents(wheel.WheelSegment)
@strawberry.type
class WheelSegment:
    index: int
    label: str
    kind: PrizeKindEnum  # type: ignore[valid-type]
    gold: Gold
    item_id: str | None
    weight: int
    probability: float


@presents(wheel.WheelSpinSuccess)
@strawberry.type
class WheelSpinSuccess:
    round_id: strawberry.ID = required_reference(
        NodeKind.GAME_ROUND, "round_id", description="The play's global id (a GameRound)."
    )
    segment_index: int
    label: str
    kind: PrizeKindEnum  # type: ignore[valid-type]
    won_gold: Gold
    won_item_id: str | None
    free: bool = strawberry.field(description="The day's free spin")
    paid_gold: Gold
    balance: Gold
    player: Player = player_field(
        description="The player, as the play left them (their gold, their level)."
    )
    fairness: FairnessProof
    replayed: bool


# A spin has no stake to check: its union has no InvalidStake.
WheelSpinResult = bet_result("WheelSpinResult", WheelSpinSuccess, staked=False)


@presents(wheel.ExpectedItem)
@strawberry.type
class ExpectedItem:
    item_id: str
    per_spin: float


@presents(wheel.WheelConfig, described=True)
@strawberry.type
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
