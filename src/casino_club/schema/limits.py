"""Player limit types (SPEC §5.5): what a player set on themselves, and changing it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from casino_club.domain import limits
from casino_club.domain.ids import NodeKind
from casino_club.domain.limits import Exclusion, LimitKind
from casino_club.schema.errors import UserNotFound, ValidationFailed
from casino_club.schema.identity import LazyPlayer as Player
from casino_club.schema.identity import player as player_field
from casino_club.schema.identity import required_reference
from casino_club.schema.outcomes import presents


@presents(limits.PendingLimit)
@strawberry.type(description="A raise or removal of a limit, waiting until it applies.")
class PendingLimit:
    amount: int | None = strawberry.field(description="null: the limit will be removed.")
    applies_at: datetime


@presents(limits.LimitState)
@strawberry.type(description="A limit as it stands: null amount means no limit.")
class LimitState:
    amount: int | None
    pending: PendingLimit | None


@presents(limits.PlayerLimits)
@strawberry.type(description="Limits the player set on themselves.")
class PlayerLimits:
    daily_purchase_cents: LimitState = strawberry.field(
        description="USD cents of purchases per game day."
    )
    monthly_purchase_cents: LimitState = strawberry.field(
        description="USD cents of purchases per game month."
    )
    daily_loss_gold: LimitState = strawberry.field(
        description="Gold lost at play per game day: stakes minus wins across all games; "
        "a bet that could take the day past it is refused (LossLimitReached)."
    )
    excluded_until: datetime | None = strawberry.field(
        description="The end of a cool-off or self-exclusion in force; null when none."
    )


@strawberry.input(
    description="Leave a field out to keep that limit; null removes it. Lowering applies "
    "at once; raising or removing applies after 24 hours."
)
class SetLimitsInput:
    daily_purchase_cents: int | None = strawberry.UNSET
    monthly_purchase_cents: int | None = strawberry.UNSET
    daily_loss_gold: int | None = strawberry.UNSET

    def requested(self) -> dict[LimitKind, int | None]:
        """The limits sent (None: remove it); those left out are kept."""
        sent = {
            LimitKind.DAILY_PURCHASE: self.daily_purchase_cents,
            LimitKind.MONTHLY_PURCHASE: self.monthly_purchase_cents,
            LimitKind.DAILY_LOSS: self.daily_loss_gold,
        }
        return {kind: value for kind, value in sent.items() if value is not strawberry.UNSET}


@presents(limits.LimitsSet)
@strawberry.type
class LimitsSet:
    limits: PlayerLimits
    player: Player = player_field(description="The caller, as this left them (their limits).")


SetLimitsResult = Annotated[LimitsSet | ValidationFailed, strawberry.union("SetLimitsResult")]


ExclusionEnum = strawberry.enum(Exclusion, name="Exclusion")


@strawberry.input
class StartCoolOffInput:
    kind: ExclusionEnum  # type: ignore[valid-type]


@presents(limits.CoolOffStarted, described=True)
@strawberry.type
class CoolOffStarted:
    until: datetime
    player: Player = player_field(description="The caller, as this left them.")


StartCoolOffResult = Annotated[
    CoolOffStarted | ValidationFailed, strawberry.union("StartCoolOffResult")
]


@strawberry.input
class LiftExclusionInput:
    user_id: strawberry.ID = strawberry.field(description="The player's global id.")
    reason: str = strawberry.field(description="Why: kept in the audit log (1-500 characters).")


@presents(limits.ExclusionLifted)
@strawberry.type
class ExclusionLifted:
    player: Player = player_field(
        description="The player whose break was lifted, as it left them.",
        attribute="user_id",
    )
    user_id: strawberry.ID = required_reference(
        NodeKind.PLAYER, "user_id", description="The player's global id (a Player)."
    )


LiftExclusionResult = Annotated[
    ExclusionLifted | UserNotFound | ValidationFailed, strawberry.union("LiftExclusionResult")
]
