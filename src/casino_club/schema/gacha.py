"""Gacha types (SPEC §6.3)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry
from strawberry import relay

from casino_club.domain import gacha
from casino_club.domain.gacha import Animation, ItemKind, Rarity
from casino_club.domain.ids import NodeKind
from casino_club.schema.enums import RankEnum
from casino_club.schema.errors import UserError
from casino_club.schema.games import FairnessProof
from casino_club.schema.identity import LazyPlayer as Player
from casino_club.schema.identity import player as player_field
from casino_club.schema.identity import required_reference
from casino_club.schema.outcomes import bet_result, presents
from casino_club.schema.scalars import Gold

RarityEnum = strawberry.enum(Rarity, name="Rarity")
AnimationEnum = strawberry.enum(Animation, name="PullAnimation")
ItemKindEnum = strawberry.enum(ItemKind, name="ItemKind")
PullPayment = strawberry.enum(gacha.PullPayment, name="PullPayment")


@strawberry.enum
class PullCount(Enum):
    ONE = 1
    TEN = 10


@strawberry.input
class GachaPullInput:
    count: PullCount = PullCount.ONE
    pay_with: PullPayment = strawberry.field(  # type: ignore[valid-type]
        default=gacha.PullPayment.GOLD,
        description="TICKET spends one gacha ticket on a single pull",
    )
    idempotency_key: str | None = None


@presents(gacha.Item)
@strawberry.type
class GachaItem:
    id: str
    name: str
    rarity: RarityEnum  # type: ignore[valid-type]


@presents(gacha.PulledItem)
@strawberry.type
class PulledItem:
    item: GachaItem
    animation: AnimationEnum  # type: ignore[valid-type]
    pity: bool = strawberry.field(description="Guaranteed EPIC+ by the pity rule")
    downgraded: bool = strawberry.field(description="Rolled a sold-out rarity; COMMON instead")
    duplicate: bool


@presents(gacha.GachaPullSuccess)
@strawberry.type
class GachaPullSuccess:
    round_id: strawberry.ID = required_reference(
        NodeKind.GAME_ROUND, "round_id", description="The play's global id (a GameRound)."
    )
    items: list[PulledItem]
    paid_gold: Gold
    refunded_gold: Gold
    pity_counter: int
    daily_remaining: int
    balance: Gold
    player: Player = player_field(
        description="The player, as the play left them (their gold, their level)."
    )
    fairness: FairnessProof
    replayed: bool


@presents(gacha.DailyLimitReached)
@strawberry.type(description="No pull actions left today; resets at the game-day boundary.")
class DailyLimitReached(UserError):
    pulls_per_day: int
    used: int
    resets_at: datetime


@presents(gacha.NoTicket)
@strawberry.type(description="No gacha ticket to spend.")
class NoTicket(UserError):
    pass


# A pull has no stake to check: its union has no InvalidStake.
GachaPullResult = bet_result(
    "GachaPullResult", GachaPullSuccess, NoTicket, DailyLimitReached, staked=False
)


@presents(gacha.RarityOdds)
@strawberry.type
class RarityOdds:
    rarity: RarityEnum  # type: ignore[valid-type]
    rate: float = strawberry.field(description="Chance per item without pity")
    effective_rate: float = strawberry.field(description="Long-run chance per item, pity included")
    effective_rate_exact: str
    duplicate_refund: Gold
    remaining_stock: int | None = strawberry.field(description="null: unlimited")
    items: list[GachaItem]


@presents(gacha.DailyPullLimit)
@strawberry.type
class DailyPullLimit:
    rank: RankEnum  # type: ignore[valid-type]
    pulls_per_day: int


@presents(gacha.GachaConfig, described=True)
@strawberry.type
class GachaConfig:
    rarities: list[RarityOdds]
    pity_threshold: int = strawberry.field(
        description="After this many pulls in a row without EPIC+, the next is at least EPIC"
    )
    single_cost: Gold
    ten_cost: Gold
    daily_limits: list[DailyPullLimit]


@presents(gacha.GachaStatus)
@strawberry.type
class GachaStatus:
    pity_counter: int
    pulls_today: int
    counts_by_rarity: list[RarityCount]


@presents(gacha.RarityCount)
@strawberry.type
class RarityCount:
    rarity: RarityEnum  # type: ignore[valid-type]
    count: int


@presents(gacha.InventoryItem)
@strawberry.type
class InventoryItem(relay.Node):
    id: relay.NodeID[int]
    item_id: str
    name: str
    kind: ItemKindEnum  # type: ignore[valid-type]
    rarity: RarityEnum | None  # type: ignore[valid-type]
    quantity: int
    acquired_at: datetime
