"""Player limit types (SPEC §5.5): what a player set on themselves, and changing it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from casino_club.domain.limits import Limit
from casino_club.schema.errors import ValidationFailed


@strawberry.type(description="A raise or removal of a limit, waiting until it applies.")
class PendingLimit:
    amount: int | None = strawberry.field(description="null: the limit will be removed.")
    applies_at: datetime


@strawberry.type(description="A limit as it stands: null amount means no limit.")
class LimitState:
    amount: int | None
    pending: PendingLimit | None

    @classmethod
    def of(cls, limit: Limit) -> LimitState:
        waiting = None
        if limit.pending and limit.pending_from is not None:
            waiting = PendingLimit(amount=limit.pending_amount, applies_at=limit.pending_from)
        return cls(amount=limit.amount, pending=waiting)


@strawberry.type(description="Limits the player set on themselves (amounts in USD cents).")
class PlayerLimits:
    daily_purchase_cents: LimitState
    monthly_purchase_cents: LimitState


@strawberry.input(
    description="Leave a field out to keep that limit; null removes it. Lowering applies "
    "at once; raising or removing applies after 24 hours."
)
class SetLimitsInput:
    daily_purchase_cents: int | None = strawberry.UNSET
    monthly_purchase_cents: int | None = strawberry.UNSET


@strawberry.type
class LimitsSet:
    limits: PlayerLimits


SetLimitsResult = Annotated[LimitsSet | ValidationFailed, strawberry.union("SetLimitsResult")]
