"""Player limit types (SPEC §5.5): what a player set on themselves, and changing it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from casino_club.domain import limits
from casino_club.domain.ids import NodeKind
from casino_club.domain.limits import Exclusion, LimitKind
from casino_club.schema.enums import graphql_enum
from casino_club.schema.errors import UserNotFound, ValidationFailed
from casino_club.schema.identity import LazyPlayer as Player
from casino_club.schema.identity import player as player_field
from casino_club.schema.identity import required_reference
from casino_club.schema.outcomes import presents


@presents(limits.PendingLimit)
@strawberry.type(description="A raise or removal of a limit, waiting until it applies.")
class PendingLimit:
    amount: int | None = strawberry.field(description="null: the limit will be removed.")
    applies_at: datetime = strawberry.field(
        description="When it takes effect (24 hours after it was asked)."
    )


@presents(limits.LimitState)
@strawberry.type(description="A limit as it stands: null amount means no limit.")
class LimitState:
    amount: int | None = strawberry.field(
        description="The limit in force (cents or gold, as its field says); null: no limit."
    )
    pending: PendingLimit | None = strawberry.field(
        description="A raise or removal waiting its 24 hours; null when none."
    )


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
    daily_purchase_cents: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Purchases per game day, in USD cents (other "
        "currencies converted); null removes it.",
    )
    monthly_purchase_cents: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Purchases per calendar month of game days, in USD cents; null removes it.",
    )
    daily_loss_gold: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Gold lost at play per game day (stakes minus wins, "
        "all games); null removes it.",
    )

    def requested(self) -> dict[LimitKind, int | None]:
        """The limits sent (None: remove it); those left out are kept."""
        sent = {
            LimitKind.DAILY_PURCHASE: self.daily_purchase_cents,
            LimitKind.MONTHLY_PURCHASE: self.monthly_purchase_cents,
            LimitKind.DAILY_LOSS: self.daily_loss_gold,
        }
        return {kind: value for kind, value in sent.items() if value is not strawberry.UNSET}


@presents(limits.LimitsSet)
@strawberry.type(description="The limits after the change.")
class LimitsSet:
    limits: PlayerLimits = strawberry.field(description="Every limit, pending changes included.")
    player: Player = player_field(description="The caller, as this left them (their limits).")


SetLimitsResult = Annotated[
    LimitsSet | ValidationFailed,
    strawberry.union(
        "SetLimitsResult",
        description="setLimits' answer.",
    ),
]


ExclusionEnum = graphql_enum(
    Exclusion,
    "Exclusion",
    "A break from play and purchases; login, profile and history keep working.",
    {
        Exclusion.COOL_OFF_24_HOURS: "A cool-off of 24 hours.",
        Exclusion.COOL_OFF_7_DAYS: "A cool-off of 7 days.",
        Exclusion.COOL_OFF_30_DAYS: "A cool-off of 30 days.",
        Exclusion.SELF_EXCLUSION_6_MONTHS: "A self-exclusion of 6 months.",
    },
)


@strawberry.input(
    description="Take a break from play and purchases; it cannot be ended early by the player."
)
class StartCoolOffInput:
    kind: ExclusionEnum = strawberry.field(description="How long.")  # type: ignore[valid-type]


@presents(limits.CoolOffStarted, described=True)
@strawberry.type
class CoolOffStarted:
    until: datetime = strawberry.field(description="When the break ends.")
    player: Player = player_field(description="The caller, as this left them.")


StartCoolOffResult = Annotated[
    CoolOffStarted | ValidationFailed,
    strawberry.union(
        "StartCoolOffResult",
        description="startCoolOff's answer: when the break ends.",
    ),
]


@strawberry.input(
    description="End a player's cool-off or self-exclusion early (admin only; players cannot)."
)
class LiftExclusionInput:
    user_id: strawberry.ID = strawberry.field(description="The player's global id.")
    reason: str = strawberry.field(description="Why: kept in the audit log (1-500 characters).")


@presents(limits.ExclusionLifted)
@strawberry.type(description="The player's cool-off or self-exclusion was ended by an operator.")
class ExclusionLifted:
    player: Player = player_field(
        description="The player whose break was lifted, as it left them.",
        attribute="user_id",
    )
    user_id: strawberry.ID = required_reference(
        NodeKind.PLAYER, "user_id", description="The player's global id (a Player)."
    )


LiftExclusionResult = Annotated[
    ExclusionLifted | UserNotFound | ValidationFailed,
    strawberry.union(
        "LiftExclusionResult",
        description="liftExclusion's answer.",
    ),
]
