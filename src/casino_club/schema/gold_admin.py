"""Operator gold types (SPEC §11): one player's adjustment, and rewards for many."""

from __future__ import annotations

from typing import Annotated

import strawberry

from casino_club.domain import gold_admin
from casino_club.domain.gold_admin import RewardStatus
from casino_club.domain.ids import NodeKind
from casino_club.schema.enums import graphql_enum
from casino_club.schema.errors import UserNotFound, ValidationFailed
from casino_club.schema.games import IdempotencyKeyInUse, IdempotencyKeyReused, InsufficientFunds
from casino_club.schema.identity import LazyPlayer as Player
from casino_club.schema.identity import player as player_field
from casino_club.schema.identity import required_reference
from casino_club.schema.outcomes import presents
from casino_club.schema.scalars import Gold


@strawberry.input(
    description="Move one player's gold by hand (admin), through the ledger and the audit log."
)
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
    amount: Gold = strawberry.field(description="Gold moved: positive added, negative taken.")
    balance: Gold = strawberry.field(description="The player's gold after.")
    replayed: bool = strawberry.field(
        description="True when this is the stored result of an earlier request with the same "
        "idempotency key."
    )


AdjustGoldResult = Annotated[
    GoldAdjusted
    | UserNotFound
    | InsufficientFunds
    | IdempotencyKeyReused
    | IdempotencyKeyInUse
    | ValidationFailed,
    strawberry.union(
        "AdjustGoldResult",
        description="adjustGold's answer: the gold moved, or why not.",
    ),
]


@strawberry.input(description="One player's reward.")
class RewardItemInput:
    user_id: strawberry.ID = strawberry.field(description="The player's global id.")
    gold: Gold = strawberry.field(description="Gold to credit: more than 0.")


@strawberry.input(
    description="Credit gold to many players at once (admin); each gets its own result."
)
class GrantRewardsInput:
    items: list[RewardItemInput] = strawberry.field(description="At most 1,000.")
    reason: str = strawberry.field(description="Why: kept in the audit log (1-500 characters).")
    idempotency_key: str = strawberry.field(
        description="Required: repeating the request grants nothing more to anyone."
    )


RewardStatusEnum = graphql_enum(
    RewardStatus,
    "RewardStatus",
    "What happened to one player's reward.",
    {
        RewardStatus.GRANTED: "Credited now.",
        RewardStatus.ALREADY_GRANTED: "Credited by an earlier request with this idempotency key.",
        RewardStatus.UNKNOWN_USER: "No player has this id: nothing credited.",
        RewardStatus.INVALID: "Not a positive amount, or the player appears twice: nothing "
        "credited.",
    },
)


@presents(gold_admin.RewardResult)
@strawberry.type(description="What happened to one player's reward.")
class RewardResult:
    user_id: strawberry.ID = strawberry.field(description="The player's id, as sent.")
    status: RewardStatusEnum = strawberry.field(  # type: ignore[valid-type]
        description="Whether the gold was credited."
    )
    balance: Gold | None = strawberry.field(description="After the grant, when granted.")


@presents(gold_admin.RewardsGranted, described=True)
@strawberry.type
class RewardsGranted:
    results: list[RewardResult] = strawberry.field(
        description="One result per item, in the order sent."
    )


GrantRewardsResult = Annotated[
    RewardsGranted | ValidationFailed,
    strawberry.union(
        "GrantRewardsResult",
        description="grantRewards' answer: a result per player, or ValidationFailed for the whole "
        "request.",
    ),
]
