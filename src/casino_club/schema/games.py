"""What every game shares: the fairness proof, the refusals of a bet (SPEC §6, §12), and
the fields every game's success carries, described once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from casino_club.domain import refusals
from casino_club.domain.fairness import FairnessProof as FairnessProofValue
from casino_club.schema.errors import UserError
from casino_club.schema.identity import player
from casino_club.schema.outcomes import presents
from casino_club.schema.scalars import Gold


@presents(FairnessProofValue)
@strawberry.type(description="What makes this result verifiable once the server seed is revealed.")
class FairnessProof:
    server_seed_hash: str = strawberry.field(
        description="SHA-256 (lowercase hex) of the server seed that decided it."
    )
    client_seed: str = strawberry.field(description="The client seed used.")
    nonce: int = strawberry.field(
        description="The nonce used: the number of bets before it on this seed pair."
    )


def balance_after(what: str = "this play") -> Any:
    """A success's `balance`: the caller's gold as `what` left it."""
    return strawberry.field(description=f"The caller's gold after {what}.")


def player_after() -> Any:
    """A success's `player`: the caller as the play left them, for a client's cache."""
    return player(description="The player, as the play left them (their gold, their level).")


def fairness_of(what: str = "the outcome") -> Any:
    """A success's `fairness`: the proof of `what` it decided."""
    return strawberry.field(
        description=f"What proves {what}, to verify once the server seed is revealed."
    )


def replayed() -> Any:
    """A success's `replayed`: answered from the idempotency key's stored result."""
    return strawberry.field(
        description="True when this is the stored result of an earlier request with the same "
        "idempotency key."
    )


@presents(refusals.InsufficientFunds, described=True)
@strawberry.type
class InsufficientFunds(UserError):
    required: Gold = strawberry.field(description="Gold it needs.")
    balance: Gold = strawberry.field(description="The caller's gold now.")


@presents(refusals.InvalidStake, described=True)
@strawberry.type
class InvalidStake(UserError):
    min_stake: Gold = strawberry.field(description="The smallest stake this game accepts.")
    max_stake: Gold = strawberry.field(description="The largest stake this game accepts.")


@presents(refusals.RateLimited)
@strawberry.type(description="Too many game actions; retry after the given time.")
class RateLimited(UserError):
    retry_after_ms: int = strawberry.field(description="Milliseconds to wait before retrying.")


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
    debt: Gold = strawberry.field(description="Gold owed.")


@presents(refusals.OperatorsDoNotPlay, described=True)
@strawberry.type
class OperatorsDoNotPlay(UserError):
    pass


@presents(refusals.PlayerExcluded)
@strawberry.type(
    description="The player is on a cool-off or self-exclusion until `until`: no play or "
    "purchase until then (it cannot be ended early)."
)
class PlayerExcluded(UserError):
    until: datetime = strawberry.field(description="When the break ends.")


@presents(refusals.LossLimitReached)
@strawberry.type(
    description="The stake could take the day's net loss at play (stakes minus wins, all "
    "games) past the player's daily loss limit; nothing was charged. `remaining` may still "
    "be staked today; the day turns over at `resetsAt`."
)
class LossLimitReached(UserError):
    limit: Gold = strawberry.field(description="The player's daily loss limit, in gold.")
    remaining: Gold = strawberry.field(description="Gold that may still be lost today.")
    resets_at: datetime = strawberry.field(description="When the next game day begins.")
