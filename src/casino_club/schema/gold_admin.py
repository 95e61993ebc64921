"""Operator gold types (SPEC §11): one player's adjustment, and rewards for many."""

from __future__ import annotations

from typing import Annotated

import strawberry

from casino_club.domain import gold_admin
from casino_club.domain.gold_admin import RewardStatus
from casino_club.domain.ids import NodeKind
from casino_club.schema.errors import UserNotFound, ValidationFailed
from casino_club.schema.games import IdempotencyKeyInUse, IdempotencyKeyReused, InsufficientFunds
from casino_club.schema.identity import LazyPlayer as Player
from casino_club.schema.identity import player as player_field
from casino_club.schema.identity import required_reference
from casino_club.schema.outcomes import presents
from casino_club.schema.scalars import Gold


@strawberry.input
class AdjustGoldInput:
    user_id: strawberry.ID = strawberry.field(description="The player's global id.")
    amount: Gold = strawberry.field(description="Added (positive) or taken (negative); not 0.")
    reason: str = strawberry.field(description="Why: kept in the audit log (1-500 characters).")
    idempotency_key: str = strawberry.field(description="Required: a retry moves nothing more.")


@presents(gold_admin.GoldAdjusted)
@strawberry.type(description="The gold moved through the ledger (ADMIN_ADJUSTMENT).")
class GoldAdjusted:
    player: Player = player_field(
        description="The player whose gold moved, as it left them.",
        attribute="user_id",
    )
    user_id: strawberry.ID = required_reference(
        NodeKind.PLAYER, "user_id", description="The player's global id (a Player)."
    )
    amount: Gold
    balance: Gold
    replayed: bool


AdjustGoldResult = Annotated[
    GoldAdjusted
    | UserNotFound
    | InsufficientFunds
    | IdempotencyKeyReused
    | IdempotencyKeyInUse
    | ValidationFailed,
    strawberry.union("AdjustGoldResult"),
]


@strawberry.input
class RewardItemInput:
    user_id: strawberry.ID = strawberry.field(description="The player's global id.")
    gold: Gold


@strawberry.input
class GrantRewardsInput:
    items: list[RewardItemInput] = strawberry.field(description="At most 1,000.")
    reason: str
    idempotency_key: str = strawberry.field(
        description="Required: repeating the request grants nothing more to anyone."
    )


RewardStatusEnum = strawberry.enum(RewardStatus, name="RewardStatus")


@presents(gold_admin.RewardResult)
@strawberry.type
class RewardResult:
    user_id: strawberry.ID = strawberry.field(description="The player's id, as sent.")
    status: RewardStatusEnum  # type: ignore[valid-type]
    balance: Gold | None = strawberry.field(description="After the grant, when granted.")


@presents(gold_admin.RewardsGranted, described=True)
@strawberry.type
class RewardsGranted:
    results: list[RewardResult]


GrantRewardsResult = Annotated[
    RewardsGranted | ValidationFailed, strawberry.union("GrantRewardsResult")
]
