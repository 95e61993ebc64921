"""Gacha types (SPEC §6.3)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry
from strawberry import relay

from casino_club.domain import gacha
from casino_club.domain.gacha import Animation, ItemKind, Rarity
from casino_club.domain.ids import NodeKind
from casino_club.schema.enums import RankEnum, graphql_enum
from casino_club.schema.errors import UserError
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

RarityEnum = graphql_enum(
    Rarity,
    "Rarity",
    "How rare a gacha item is; gachaConfig publishes the rates in force.",
    {
        Rarity.LEGENDARY: "The rarest (1.5% per item by default).",
        Rarity.EPIC: "6.5% per item by default; the pity rule guarantees at least EPIC.",
        Rarity.RARE: "22% per item by default.",
        Rarity.COMMON: "70% per item by default; also what a sold-out rarity is downgraded to.",
    },
)
AnimationEnum = graphql_enum(
    Animation,
    "PullAnimation",
    "How to reveal a pulled item: a presentation hint, never a different result.",
    {
        Animation.NORMAL: "A plain reveal (COMMON or RARE).",
        Animation.EPIC: "An EPIC reveal.",
        Animation.LEGENDARY: "A LEGENDARY reveal.",
        Animation.PITY: "The pity rule gave this EPIC or better.",
        Animation.NEAR_MISS: "The roll landed close to the next better rarity: show a near miss.",
    },
)
ItemKindEnum = graphql_enum(
    ItemKind,
    "ItemKind",
    "What an inventory item is for.",
    {
        ItemKind.COLLECTIBLE: "A gacha item: kept.",
        ItemKind.CONSUMABLE: "Spent when used (a gacha ticket, a streak protection).",
    },
)
PullPayment = graphql_enum(
    gacha.PullPayment,
    "PullPayment",
    "What pays for a pull.",
    {
        gacha.PullPayment.GOLD: "Gold: singleCost or tenCost.",
        gacha.PullPayment.TICKET: "One gacha ticket from the inventory; single pulls only.",
    },
)


class PullCount(Enum):
    ONE = 1
    TEN = 10


graphql_enum(
    PullCount,
    "PullCount",
    "How many items one pull action draws.",
    {PullCount.ONE: "A single pull.", PullCount.TEN: "A ten-pull, at tenCost."},
)


@strawberry.input(
    description="One pull action: a single pull or a ten-pull (one action of the daily limit "
    "either way)."
)
class GachaPullInput:
    count: PullCount = strawberry.field(
        default=PullCount.ONE,
        description="ONE (5,000 gold by default) or TEN (50,000 gold by default).",
    )
    pay_with: PullPayment = strawberry.field(  # type: ignore[valid-type]
        default=gacha.PullPayment.GOLD,
        description="TICKET spends one gacha ticket on a single pull",
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Up to 255 characters; a retry with the same key and input "
        "returns the first result instead of playing again. Without one, a retry plays again.",
    )


@presents(gacha.Item)
@strawberry.type(description="A catalog item a pull can give.")
class GachaItem:
    id: str = strawberry.field(
        description="The item's catalogue key (e.g. `gem_small`), the same for every copy: a "
        "kind of item, not an object of its own."
    )
    name: str = strawberry.field(description="Its display name.")
    rarity: RarityEnum = strawberry.field(description="Its rarity.")  # type: ignore[valid-type]


@presents(gacha.PulledItem)
@strawberry.type(description="One item of a pull, with how to present it.")
class PulledItem:
    item: GachaItem = strawberry.field(description="The item received.")
    animation: AnimationEnum = strawberry.field(  # type: ignore[valid-type]
        description="How to reveal it: a presentation hint only, never a different result."
    )
    pity: bool = strawberry.field(description="Guaranteed EPIC+ by the pity rule")
    downgraded: bool = strawberry.field(description="Rolled a sold-out rarity; COMMON instead")
    duplicate: bool = strawberry.field(
        description="The player already had it: its rarity's duplicateRefund gold was credited."
    )


@presents(gacha.GachaPullSuccess, described=True)
@strawberry.type
class GachaPullSuccess:
    round_id: strawberry.ID = required_reference(
        NodeKind.GAME_ROUND, "round_id", description="The play's global id (a GameRound)."
    )
    items: list[PulledItem] = strawberry.field(description="The items, in pull order (1 or 10).")
    paid_gold: Gold = strawberry.field(
        description="Gold this pull cost: 0 when paid with a ticket."
    )
    refunded_gold: Gold = strawberry.field(description="Gold credited for duplicates.")
    pity_counter: int = strawberry.field(
        description="Pulls in a row without EPIC or better, after this pull."
    )
    daily_remaining: int = strawberry.field(description="Pull actions left today.")
    balance: Gold = balance_after("the pull and refunds")
    player: Player = player_after()
    fairness: FairnessProof = fairness_of("the items")
    replayed: bool = replayed()


@presents(gacha.DailyLimitReached)
@strawberry.type(description="No pull actions left today; resets at the game-day boundary.")
class DailyLimitReached(UserError):
    pulls_per_day: int = strawberry.field(description="Pull actions a day at the player's rank.")
    used: int = strawberry.field(description="Pull actions used today.")
    resets_at: datetime = strawberry.field(description="When the next game day begins.")


@presents(gacha.NoTicket)
@strawberry.type(description="No gacha ticket to spend.")
class NoTicket(UserError):
    pass


# A pull has no stake to check: its union has no InvalidStake.
GachaPullResult = bet_result(
    "GachaPullResult",
    GachaPullSuccess,
    NoTicket,
    DailyLimitReached,
    description="gachaPull's answer: the items pulled, or why no pull was made.",
    staked=False,
)


@presents(gacha.RarityOdds, described=True)
@strawberry.type
class RarityOdds:
    rarity: RarityEnum = strawberry.field(description="The rarity.")  # type: ignore[valid-type]
    rate: float = strawberry.field(description="Chance per item without pity")
    effective_rate: float = strawberry.field(description="Long-run chance per item, pity included")
    effective_rate_exact: str = strawberry.field(
        description="effectiveRate as an exact fraction p/q."
    )
    duplicate_refund: Gold = strawberry.field(
        description="Gold credited when an item of this rarity is a duplicate."
    )
    remaining_stock: int | None = strawberry.field(description="null: unlimited")
    items: list[GachaItem] = strawberry.field(
        description="The items a roll of this rarity picks from, uniformly."
    )


@presents(gacha.DailyPullLimit)
@strawberry.type(description="The pull actions a rank allows per game day.")
class DailyPullLimit:
    rank: RankEnum = strawberry.field(description="The rank.")  # type: ignore[valid-type]
    pulls_per_day: int = strawberry.field(
        description="Pull actions per game day (a ten-pull is one)."
    )


@presents(gacha.GachaConfig, described=True)
@strawberry.type
class GachaConfig:
    rarities: list[RarityOdds] = strawberry.field(
        description="Every rarity, best first, with its rates and items."
    )
    pity_threshold: int = strawberry.field(
        description="After this many pulls in a row without EPIC+, the next is at least EPIC"
    )
    single_cost: Gold = strawberry.field(description="Gold for a single pull.")
    ten_cost: Gold = strawberry.field(description="Gold for a ten-pull.")
    daily_limits: list[DailyPullLimit] = strawberry.field(
        description="The pull actions per game day, by rank."
    )


@presents(gacha.GachaStatus, described=True)
@strawberry.type
class GachaStatus:
    pity_counter: int = strawberry.field(
        description="Pulls in a row without EPIC or better; at pityThreshold the next is at least "
        "EPIC."
    )
    pulls_today: int = strawberry.field(description="Pull actions used this game day.")
    counts_by_rarity: list[RarityCount] = strawberry.field(description="Items pulled, by rarity.")


@presents(gacha.RarityCount)
@strawberry.type(description="How many items of one rarity a player has pulled.")
class RarityCount:
    rarity: RarityEnum = strawberry.field(description="The rarity.")  # type: ignore[valid-type]
    count: int = strawberry.field(description="Items of it pulled.")


@presents(gacha.InventoryItem, described=True)
@strawberry.type
class InventoryItem(relay.Node):
    id: relay.NodeID[int]
    item_id: str = strawberry.field(
        description="The catalog item (GachaItem.id, or a consumable such as a gacha ticket)."
    )
    name: str = strawberry.field(description="Its display name.")
    kind: ItemKindEnum = strawberry.field(  # type: ignore[valid-type]
        description="Kept, or spent when used."
    )
    rarity: RarityEnum | None = strawberry.field(  # type: ignore[valid-type]
        description="Its rarity; null for consumables."
    )
    quantity: int = strawberry.field(description="How many the player holds.")
    acquired_at: datetime = strawberry.field(description="When the first one was received.")
