"""Prize wheel types (SPEC §6.6)."""

from __future__ import annotations

import strawberry

from casino_club.domain import wheel
from casino_club.domain.ids import NodeKind
from casino_club.domain.wheel import PrizeKind
from casino_club.schema.enums import graphql_enum
from casino_club.schema.games import (
    FairnessProof,
    balance_after,
    fairness_of,
    player_after,
    replayed,
)
from casino_club.schema.identity import LazyPlayer as Player
from casino_club.schema.identity import required_reference
from casino_club.schema.outcomes import bet_result, presents
from casino_club.schema.scalars import Gold

PrizeKindEnum = graphql_enum(
    PrizeKind,
    "WheelPrizeKind",
    "What a wheel segment wins.",
    {
        PrizeKind.GOLD: "Gold, credited at once.",
        PrizeKind.ITEM: "An item (a gacha ticket, a streak protection) added to the inventory.",
        PrizeKind.NOTHING: "Nothing.",
    },
)


@strawberry.input(description="A prize-wheel spin: free once per game day, then paid.")
class WheelSpinInput:
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Up to 255 characters; a retry with the same key and input "
        "returns the first result instead of playing again. Without one, a retry plays again.",
    )


@presents(wheel.WheelSegment, described=True)
@strawberry.type
class WheelSegment:
    index: int = strawberry.field(description="Its place on the wheel, from 0.")
    label: str = strawberry.field(description="Text to show on it.")
    kind: PrizeKindEnum = strawberry.field(description="What it wins.")  # type: ignore[valid-type]
    gold: Gold = strawberry.field(description="Gold it wins (0 unless kind is GOLD).")
    item_id: str | None = strawberry.field(
        description="The item it wins when kind is ITEM; null otherwise."
    )
    weight: int = strawberry.field(description="Its weight; probability = weight / total weight.")
    probability: float = strawberry.field(description="Chance that a spin lands on it.")


@presents(wheel.WheelSpinSuccess, described=True)
@strawberry.type
class WheelSpinSuccess:
    round_id: strawberry.ID = required_reference(
        NodeKind.GAME_ROUND, "round_id", description="The play's global id (a GameRound)."
    )
    segment_index: int = strawberry.field(description="The segment landed on (WheelSegment.index).")
    label: str = strawberry.field(description="That segment's label.")
    kind: PrizeKindEnum = strawberry.field(description="What it won.")  # type: ignore[valid-type]
    won_gold: Gold = strawberry.field(description="Gold credited (0 unless kind is GOLD).")
    won_item_id: str | None = strawberry.field(
        description="The item added to the inventory; null unless kind is ITEM."
    )
    free: bool = strawberry.field(description="The day's free spin")
    paid_gold: Gold = strawberry.field(description="Gold this spin cost: 0 when free.")
    balance: Gold = balance_after("the spin")
    player: Player = player_after()
    fairness: FairnessProof = fairness_of()
    replayed: bool = replayed()


# A spin has no stake to check: its union has no InvalidStake.
WheelSpinResult = bet_result(
    "WheelSpinResult",
    WheelSpinSuccess,
    description="wheelSpin's answer: the spin and its prize.",
    staked=False,
)


@presents(wheel.ExpectedItem)
@strawberry.type(description="How many of one item a spin wins on average.")
class ExpectedItem:
    item_id: str = strawberry.field(description="The catalog item (e.g. a gacha ticket).")
    per_spin: float = strawberry.field(description="Items won per spin on average.")


@presents(wheel.WheelConfig, described=True)
@strawberry.type
class WheelConfig:
    segments: list[WheelSegment] = strawberry.field(description="Every segment, in wheel order.")
    spin_cost: Gold = strawberry.field(
        description="Gold a spin costs once the day's free spins are used."
    )
    free_spins_per_day: int = strawberry.field(description="Free spins per game day.")
    expected_gold: float = strawberry.field(description="Gold won per spin on average")
    expected_gold_exact: str = strawberry.field(
        description="expectedGold as an exact fraction p/q."
    )
    expected_items: list[ExpectedItem] = strawberry.field(
        description="Items won per spin on average"
    )
    expected_net_gold_paid: float = strawberry.field(
        description="Expected gold won minus the cost, for a paid spin (items not valued)"
    )
