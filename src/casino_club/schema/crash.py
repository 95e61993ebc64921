"""Crash types (SPEC §6.4). Multipliers are shown as numbers with two decimals."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

import strawberry

from casino_club.domain.crash import RoundStatus
from casino_club.schema.errors import UserError, ValidationFailed
from casino_club.schema.games import (
    FairnessProof,
    IdempotencyKeyInUse,
    IdempotencyKeyReused,
    InDebt,
    InsufficientFunds,
    InvalidStake,
    LossLimitReached,
    PlayerExcluded,
    RateLimited,
)
from casino_club.schema.scalars import Gold

CrashRoundStatus = strawberry.enum(RoundStatus, name="CrashRoundStatus")


@strawberry.input
class CrashBetInput:
    stake: Gold
    auto_cashout: float | None = strawberry.field(
        default=None,
        description="Cash out automatically at this multiplier (1.01–1000000.00, step 0.01)",
    )
    idempotency_key: str | None = None


@strawberry.input
class CrashCashoutInput:
    round_id: strawberry.ID


@strawberry.input(description="Narrow the rounds listed; every field is optional.")
class CrashRoundFilter:
    user_id: strawberry.ID | None = None
    status: CrashRoundStatus | None = None  # type: ignore[valid-type]
    started_from: datetime | None = strawberry.field(default=None, description="Inclusive")
    started_before: datetime | None = strawberry.field(default=None, description="Exclusive")


@strawberry.type(description="A crash round; its crash point stays secret until it ends.")
class CrashRound:
    id: strawberry.ID
    user_id: strawberry.ID
    status: CrashRoundStatus  # type: ignore[valid-type]
    stake: Gold
    auto_cashout: float | None
    started_at: datetime
    elapsed_ms: int = strawberry.field(
        description="Milliseconds of server time since the start (OPEN) or until the end"
    )
    multiplier: float = strawberry.field(
        description="OPEN: the multiplier now; CASHED_OUT: the cash-out; CRASHED: the crash point"
    )
    crash_point: float | None = strawberry.field(description="Revealed once the round has ended")
    payout: Gold | None = strawberry.field(
        description="Once settled: the gold credited (0 if lost)"
    )
    settled_at: datetime | None
    fairness: FairnessProof

    def to_payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "userId": str(self.user_id),
            "status": RoundStatus(self.status).value,
            "stake": int(self.stake),
            "autoCashout": self.auto_cashout,
            "startedAt": self.started_at.isoformat(),
            "elapsedMs": self.elapsed_ms,
            "multiplier": self.multiplier,
            "crashPoint": self.crash_point,
            "payout": None if self.payout is None else int(self.payout),
            "settledAt": None if self.settled_at is None else self.settled_at.isoformat(),
            "fairness": self.fairness.to_payload(),
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> CrashRound:
        settled_at = payload["settledAt"]
        return cls(
            id=strawberry.ID(payload["id"]),
            user_id=strawberry.ID(payload["userId"]),
            status=RoundStatus(payload["status"]),
            stake=Gold(payload["stake"]),
            auto_cashout=payload["autoCashout"],
            started_at=datetime.fromisoformat(payload["startedAt"]),
            elapsed_ms=payload["elapsedMs"],
            multiplier=payload["multiplier"],
            crash_point=payload["crashPoint"],
            payout=None if payload["payout"] is None else Gold(payload["payout"]),
            settled_at=None if settled_at is None else datetime.fromisoformat(settled_at),
            fairness=FairnessProof.from_payload(payload["fairness"]),
        )


@strawberry.type(description="The round is running; follow it with the crashRound subscription.")
class CrashBetPlaced:
    round: CrashRound
    balance: Gold
    replayed: bool

    def to_payload(self) -> dict[str, Any]:
        return {"round": self.round.to_payload(), "balance": int(self.balance)}

    @classmethod
    def from_payload(cls, payload: dict[str, Any], *, replayed: bool) -> CrashBetPlaced:
        return cls(
            round=CrashRound.from_payload(payload["round"]),
            balance=Gold(payload["balance"]),
            replayed=replayed,
        )


@strawberry.type(description="The player already has a running round; nothing was charged.")
class ActiveRoundExists(UserError):
    round: CrashRound

    @classmethod
    def new(cls, round: CrashRound) -> ActiveRoundExists:
        return cls(
            code="ACTIVE_ROUND_EXISTS",
            message="Finish the running crash round before starting another",
            round=round,
        )


@strawberry.type(description="No round with this id belongs to the caller.")
class RoundNotFound(UserError):
    @classmethod
    def new(cls) -> RoundNotFound:
        return cls(code="ROUND_NOT_FOUND", message="No such round")


@strawberry.type(description="Cashed out: the payout was credited once, at this multiplier.")
class CrashCashedOut:
    round: CrashRound
    multiplier: float
    payout: Gold
    balance: Gold
    replayed: bool = strawberry.field(
        description="The round was settled earlier (a repeated cash-out or the auto-cash-out)"
    )


@strawberry.type(description="The round crashed before the cash-out; the stake is lost.")
class CrashRoundLost:
    round: CrashRound
    crash_point: float


CrashBetResult = Annotated[
    CrashBetPlaced
    | ActiveRoundExists
    | InsufficientFunds
    | LossLimitReached
    | InvalidStake
    | PlayerExcluded
    | InDebt
    | RateLimited
    | IdempotencyKeyReused
    | IdempotencyKeyInUse
    | ValidationFailed,
    strawberry.union("CrashBetResult"),
]

CrashCashoutResult = Annotated[
    CrashCashedOut | CrashRoundLost | RoundNotFound | RateLimited,
    strawberry.union("CrashCashoutResult"),
]


class TickKind(StrEnum):
    TICK = "TICK"
    CASHED_OUT = "CASHED_OUT"
    CRASHED = "CRASHED"


CrashTickKind = strawberry.enum(TickKind, name="CrashTickKind")


@strawberry.type(description="One moment of a running round, or how it ended (the last one).")
class CrashTick:
    round_id: strawberry.ID
    kind: CrashTickKind  # type: ignore[valid-type]
    multiplier: float = strawberry.field(
        description="TICK: the multiplier now; CASHED_OUT: the cash-out; CRASHED: the crash point"
    )
    elapsed_ms: int
    crash_point: float | None = strawberry.field(description="Set on the final CRASHED")
    payout: Gold | None = strawberry.field(description="Set on the final CASHED_OUT")


@strawberry.type(description="P(crash ≥ multiplier).")
class CrashOdds:
    multiplier: float
    probability: float = strawberry.field(description="0.99 / multiplier")
    exact: str = strawberry.field(
        description="The exact probability over the 2^32 floats of the stream, as a fraction"
    )


@strawberry.type(description="Crash rules and odds: every strategy returns 99%.")
class CrashConfig:
    rtp: float
    house_edge_percent: int
    curve: str
    growth_per_second: float
    tick_interval_ms: int
    min_stake: Gold
    max_stake: Gold
    min_auto_cashout: float
    max_auto_cashout: float
    instant_crash_probability: float = strawberry.field(
        description="P(crash point = 1.00): the round ends before any cash-out can win"
    )
    settle_within_seconds: int = strawberry.field(
        description="An unattended round is settled at most this long after it ends"
    )
    odds: list[CrashOdds]
