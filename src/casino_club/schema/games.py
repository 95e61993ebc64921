"""Types every game shares: the fairness proof and the errors of a bet (SPEC §6, §12)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from casino_club.domain.fairness import FairnessProof as FairnessProofValue
from casino_club.domain.limits import LossLimitHit
from casino_club.schema.errors import UserError
from casino_club.schema.scalars import Gold


@strawberry.type(description="What makes this result verifiable once the server seed is revealed.")
class FairnessProof:
    server_seed_hash: str
    client_seed: str
    nonce: int

    def to_payload(self) -> dict[str, Any]:
        return {
            "serverSeedHash": self.server_seed_hash,
            "clientSeed": self.client_seed,
            "nonce": self.nonce,
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> FairnessProof:
        return cls(
            server_seed_hash=payload["serverSeedHash"],
            client_seed=payload["clientSeed"],
            nonce=payload["nonce"],
        )

    @classmethod
    def of(cls, proof: FairnessProofValue) -> FairnessProof:
        return cls(
            server_seed_hash=proof.server_seed_hash,
            client_seed=proof.client_seed,
            nonce=proof.nonce,
        )


@strawberry.type(description="The balance does not cover the stake; nothing was charged.")
class InsufficientFunds(UserError):
    required: Gold
    balance: Gold

    @classmethod
    def new(cls, required: int, balance: int) -> InsufficientFunds:
        return cls(
            code="INSUFFICIENT_FUNDS",
            message=f"This needs {required} gold; the balance is {balance}",
            required=Gold(required),
            balance=Gold(balance),
        )


@strawberry.type(description="The stake is outside this game's limits.")
class InvalidStake(UserError):
    min_stake: Gold
    max_stake: Gold

    @classmethod
    def new(cls, min_stake: int, max_stake: int) -> InvalidStake:
        return cls(
            code="INVALID_STAKE",
            message=f"The stake must be a whole number from {min_stake} to {max_stake}",
            min_stake=Gold(min_stake),
            max_stake=Gold(max_stake),
        )


@strawberry.type(description="Too many game actions; retry after the given time.")
class RateLimited(UserError):
    retry_after_ms: int

    @classmethod
    def new(cls, retry_after_ms: int) -> RateLimited:
        return cls(
            code="RATE_LIMITED",
            message=f"Too many requests; retry in {retry_after_ms} ms",
            retry_after_ms=retry_after_ms,
        )


@strawberry.type(description="This idempotency key was used for a different request.")
class IdempotencyKeyReused(UserError):
    @classmethod
    def new(cls) -> IdempotencyKeyReused:
        return cls(
            code="IDEMPOTENCY_KEY_REUSED",
            message="This idempotency key belongs to a different request; use a new key",
        )


@strawberry.type(description="A request with this idempotency key is still running; retry shortly.")
class IdempotencyKeyInUse(UserError):
    @classmethod
    def new(cls) -> IdempotencyKeyInUse:
        return cls(
            code="IDEMPOTENCY_KEY_IN_USE",
            message="A request with this idempotency key is in progress; retry shortly",
        )


@strawberry.type(
    description="A refund left the player owing gold: no play until the debt is repaid "
    "(a purchase repays it first, or repayDebt from the balance)."
)
class InDebt(UserError):
    debt: Gold

    @classmethod
    def new(cls, debt: int) -> InDebt:
        return cls(
            code="IN_DEBT",
            message=f"{debt} gold is owed after a refund; repay it to play again",
            debt=Gold(debt),
        )


@strawberry.type(
    description="The player is on a cool-off or self-exclusion until `until`: no play or "
    "purchase until then (it cannot be ended early)."
)
class PlayerExcluded(UserError):
    until: datetime

    @classmethod
    def new(cls, until: datetime) -> PlayerExcluded:
        return cls(
            code="PLAYER_EXCLUDED",
            message=f"On a break from play until {until.isoformat()}",
            until=until,
        )


@strawberry.type(
    description="The stake could take the day's net loss at play (stakes minus wins, all "
    "games) past the player's daily loss limit; nothing was charged. `remaining` may still "
    "be staked today; the day turns over at `resetsAt`."
)
class LossLimitReached(UserError):
    limit: Gold
    remaining: Gold
    resets_at: datetime

    @classmethod
    def new(cls, hit: LossLimitHit, resets_at: datetime) -> LossLimitReached:
        return cls(
            code="LOSS_LIMIT_REACHED",
            message=f"The daily loss limit of {hit.limit} gold allows {hit.remaining} more today",
            limit=Gold(hit.limit),
            remaining=Gold(hit.remaining),
            resets_at=resets_at,
        )
