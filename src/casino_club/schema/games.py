"""Types every game shares: the fairness proof and the refusals of a bet (SPEC §6, §12)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from casino_club.domain import refusals
from casino_club.domain.fairness import FairnessProof as FairnessProofValue
from casino_club.schema.errors import UserError
from casino_club.schema.outcomes import presents
from casino_club.schema.scalars import Gold


@presents(FairnessProofValue)
@strawberry.type(description="What makes this result verifiable once the server seed is revealed.")
class FairnessProof:
    server_seed_hash: str
    client_seed: str
    nonce: int


@presents(refusals.InsufficientFunds, described=True)
@strawberry.type
class InsufficientFunds(UserError):
    required: Gold
    balance: Gold


@presents(refusals.InvalidStake, described=True)
@strawberry.type
class InvalidStake(UserError):
    min_stake: Gold
    max_stake: Gold


@presents(refusals.RateLimited)
@strawberry.type(description="Too many game actions; retry after the given time.")
class RateLimited(UserError):
    retry_after_ms: int


@presents(refusals.IdempotencyKeyReused, described=True)
@strawberry.type
class IdempotencyKeyReused(UserError):
    pass


@presents(refusals.IdempotencyKeyInUse, described=True)
@strawberry.type
class IdempotencyKeyInUse(UserError):
    pass


@presents(refusals.InDebt)
@strawberry.type(
    description="A refund left the player owing gold: no play until the debt is repaid "
    "(a purchase repays it first, or repayDebt from the balance)."
)
class InDebt(UserError):
    debt: Gold


@presents(refusals.PlayerExcluded)
@strawberry.type(
    description="The player is on a cool-off or self-exclusion until `until`: no play or "
    "purchase until then (it cannot be ended early)."
)
class PlayerExcluded(UserError):
    until: datetime


@presents(refusals.LossLimitReached)
@strawberry.type(
    description="The stake could take the day's net loss at play (stakes minus wins, all "
    "games) past the player's daily loss limit; nothing was charged. `remaining` may still "
    "be staked today; the day turns over at `resetsAt`."
)
class LossLimitReached(UserError):
    limit: Gold
    remaining: Gold
    resets_at: datetime
