"""Gacha types (SPEC §6.3)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, Any

import strawberry

from casino_club.domain.gacha import Animation, ItemKind, Rarity
from casino_club.schema.enums import RankEnum
from casino_club.schema.errors import UserError, ValidationFailed
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

RarityEnum = strawberry.enum(Rarity, name="Rarity")
AnimationEnum = strawberry.enum(Animation, name="PullAnimation")
ItemKindEnum = strawberry.enum(ItemKind, name="ItemKind")


@strawberry.enum
class PullCount(Enum):
    ONE = 1
    TEN = 10


@strawberry.enum
class PullPayment(Enum):
    GOLD = "GOLD"
    TICKET = "TICKET"


@strawberry.input
class GachaPullInput:
    count: PullCount = PullCount.ONE
    pay_with: PullPayment = strawberry.field(
        default=PullPayment.GOLD, description="TICKET spends one gacha ticket on a single pull"
    )
    idempotency_key: str | None = None


@strawberry.type
class GachaItem:
    id: str
    name: str
    rarity: RarityEnum  # type: ignore[valid-type]


@strawberry.type
class PulledItem:
    item: GachaItem
    animation: AnimationEnum  # type: ignore[valid-type]
    pity: bool = strawberry.field(description="Guaranteed EPIC+ by the pity rule")
    downgraded: bool = strawberry.field(description="Rolled a sold-out rarity; COMMON instead")
    duplicate: bool


@strawberry.type
class GachaPullSuccess:
    round_id: strawberry.ID
    items: list[PulledItem]
    paid_gold: Gold
    refunded_gold: Gold
    pity_counter: int
    daily_remaining: int
    balance: Gold
    fairness: FairnessProof
    replayed: bool

    def to_payload(self) -> dict[str, Any]:
        return {
            "roundId": str(self.round_id),
            "items": [
                {
                    "id": entry.item.id,
                    "name": entry.item.name,
                    "rarity": Rarity(entry.item.rarity).value,
                    "animation": Animation(entry.animation).value,
                    "pity": entry.pity,
                    "downgraded": entry.downgraded,
                    "duplicate": entry.duplicate,
                }
                for entry in self.items
            ],
            "paidGold": int(self.paid_gold),
            "refundedGold": int(self.refunded_gold),
            "pityCounter": self.pity_counter,
            "dailyRemaining": self.daily_remaining,
            "balance": int(self.balance),
            "fairness": self.fairness.to_payload(),
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any], *, replayed: bool) -> GachaPullSuccess:
        return cls(
            round_id=strawberry.ID(payload["roundId"]),
            items=[
                PulledItem(
                    item=GachaItem(id=e["id"], name=e["name"], rarity=Rarity(e["rarity"])),
                    animation=Animation(e["animation"]),
                    pity=e["pity"],
                    downgraded=e["downgraded"],
                    duplicate=e["duplicate"],
                )
                for e in payload["items"]
            ],
            paid_gold=Gold(payload["paidGold"]),
            refunded_gold=Gold(payload["refundedGold"]),
            pity_counter=payload["pityCounter"],
            daily_remaining=payload["dailyRemaining"],
            balance=Gold(payload["balance"]),
            fairness=FairnessProof.from_payload(payload["fairness"]),
            replayed=replayed,
        )


@strawberry.type(description="No pull actions left today; resets at the game-day boundary.")
class DailyLimitReached(UserError):
    # Not `limit`: LossLimitReached, in the same union, has a `limit` in gold.
    pulls_per_day: int
    used: int
    resets_at: datetime

    @classmethod
    def new(cls, limit: int, used: int, resets_at: datetime) -> DailyLimitReached:
        return cls(
            code="DAILY_LIMIT_REACHED",
            message=f"Daily limit of {limit} pulls reached",
            pulls_per_day=limit,
            used=used,
            resets_at=resets_at,
        )


@strawberry.type(description="No gacha ticket to spend.")
class NoTicket(UserError):
    @classmethod
    def new(cls) -> NoTicket:
        return cls(code="NO_TICKET", message="You have no gacha ticket")


GachaPullResult = Annotated[
    GachaPullSuccess
    | InsufficientFunds
    | LossLimitReached
    | NoTicket
    | DailyLimitReached
    | PlayerExcluded
    | InDebt
    | RateLimited
    | IdempotencyKeyReused
    | IdempotencyKeyInUse
    | ValidationFailed,
    strawberry.union("GachaPullResult"),
]


@strawberry.type
class RarityOdds:
    rarity: RarityEnum  # type: ignore[valid-type]
    rate: float = strawberry.field(description="Chance per item without pity")
    effective_rate: float = strawberry.field(description="Long-run chance per item, pity included")
    effective_rate_exact: str
    duplicate_refund: Gold
    remaining_stock: int | None = strawberry.field(description="null: unlimited")
    items: list[GachaItem]


@strawberry.type
class DailyPullLimit:
    rank: RankEnum  # type: ignore[valid-type]
    pulls_per_day: int


@strawberry.type(description="Everything loot-box disclosure rules ask to show before a pull.")
class GachaConfig:
    rarities: list[RarityOdds]
    pity_threshold: int = strawberry.field(
        description="After this many pulls in a row without EPIC+, the next is at least EPIC"
    )
    single_cost: Gold
    ten_cost: Gold
    daily_limits: list[DailyPullLimit]


@strawberry.type
class GachaStatus:
    pity_counter: int
    pulls_today: int
    counts_by_rarity: list[RarityCount]


@strawberry.type
class RarityCount:
    rarity: RarityEnum  # type: ignore[valid-type]
    count: int


@strawberry.type
class InventoryItem:
    id: strawberry.ID
    item_id: str
    name: str
    kind: ItemKindEnum  # type: ignore[valid-type]
    rarity: RarityEnum | None  # type: ignore[valid-type]
    quantity: int
    acquired_at: datetime
