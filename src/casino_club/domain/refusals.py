"""The refusals many use cases share, as values: what was refused and why, in the
numbers a client needs to explain it. Each knows its `ErrorCode` and its message; the
schema publishes each as a `UserError` type of the same name and fields.

`BET_REFUSALS` names once what any bet can answer instead of a result; every game's
result union is built from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from casino_club.domain.accounts import FieldProblem
from casino_club.domain.errors import ErrorCode


@dataclass(frozen=True, slots=True)
class ValidationFailed:
    """The input broke one or more rules; nothing was changed."""

    code: ClassVar[ErrorCode] = ErrorCode.VALIDATION_FAILED
    fields: tuple[FieldProblem, ...]

    @property
    def message(self) -> str:
        return "; ".join(problem.message for problem in self.fields)

    @classmethod
    def of(cls, problems: list[FieldProblem]) -> ValidationFailed:
        return cls(tuple(problems))

    @classmethod
    def single(cls, field: str, code: str, message: str) -> ValidationFailed:
        return cls((FieldProblem(field, code, message),))


@dataclass(frozen=True, slots=True)
class InsufficientFunds:
    """The balance does not cover the stake; nothing was charged."""

    code: ClassVar[ErrorCode] = ErrorCode.INSUFFICIENT_FUNDS
    required: int
    balance: int

    @property
    def message(self) -> str:
        return f"This needs {self.required} gold; the balance is {self.balance}"


@dataclass(frozen=True, slots=True)
class InvalidStake:
    """The stake is outside this game's limits."""

    code: ClassVar[ErrorCode] = ErrorCode.INVALID_STAKE
    min_stake: int
    max_stake: int

    @property
    def message(self) -> str:
        return f"The stake must be a whole number from {self.min_stake} to {self.max_stake}"


@dataclass(frozen=True, slots=True)
class RateLimited:
    """Too many actions; retry after the given time."""

    code: ClassVar[ErrorCode] = ErrorCode.RATE_LIMITED
    retry_after_ms: int

    @property
    def message(self) -> str:
        return f"Too many requests; retry in {self.retry_after_ms} ms"


@dataclass(frozen=True, slots=True)
class IdempotencyKeyReused:
    """This idempotency key was used for a different request."""

    code: ClassVar[ErrorCode] = ErrorCode.IDEMPOTENCY_KEY_REUSED

    @property
    def message(self) -> str:
        return "This idempotency key belongs to a different request; use a new key"


@dataclass(frozen=True, slots=True)
class IdempotencyKeyInUse:
    """A request with this idempotency key is still running; retry shortly."""

    code: ClassVar[ErrorCode] = ErrorCode.IDEMPOTENCY_KEY_IN_USE

    @property
    def message(self) -> str:
        return "A request with this idempotency key is in progress; retry shortly"


@dataclass(frozen=True, slots=True)
class InDebt:
    """A refund left the player owing gold: no play until the debt is repaid."""

    code: ClassVar[ErrorCode] = ErrorCode.IN_DEBT
    debt: int

    @property
    def message(self) -> str:
        return f"{self.debt} gold is owed after a refund; repay it to play again"


@dataclass(frozen=True, slots=True)
class PlayerExcluded:
    """The player is on a cool-off or self-exclusion until `until`."""

    code: ClassVar[ErrorCode] = ErrorCode.PLAYER_EXCLUDED
    until: datetime

    @property
    def message(self) -> str:
        return f"On a break from play until {self.until.isoformat()}"


@dataclass(frozen=True, slots=True)
class OperatorsDoNotPlay:
    """The caller is an operator: operators' accounts do not play, so no game of theirs
    mixes with the players' in leaderboards, KPIs or the economy's realised returns."""

    code: ClassVar[ErrorCode] = ErrorCode.OPERATORS_DO_NOT_PLAY

    @property
    def message(self) -> str:
        return "Operators' accounts do not play; play from a player's account"


@dataclass(frozen=True, slots=True)
class LossLimitReached:
    """The stake could take the day's net loss past the player's daily loss limit."""

    code: ClassVar[ErrorCode] = ErrorCode.LOSS_LIMIT_REACHED
    limit: int
    remaining: int
    resets_at: datetime

    @property
    def message(self) -> str:
        return f"The daily loss limit of {self.limit} gold allows {self.remaining} more today"


@dataclass(frozen=True, slots=True)
class UserNotFound:
    """An operator named a player who does not exist."""

    code: ClassVar[ErrorCode] = ErrorCode.USER_NOT_FOUND

    @property
    def message(self) -> str:
        return "No such user"


# What the checks before a bet's writes can answer instead of running it.
KeyRefusal = IdempotencyKeyReused | IdempotencyKeyInUse
Precheck = (
    InvalidStake
    | OperatorsDoNotPlay
    | PlayerExcluded
    | InDebt
    | RateLimited
    | KeyRefusal
    | ValidationFailed
)
# Everything any bet can answer instead of its result: the checks, then the writes.
BetRefusal = InsufficientFunds | LossLimitReached | Precheck
# The same set, in the order every game's result union lists it.
BET_REFUSALS: tuple[type, ...] = (
    InsufficientFunds,
    LossLimitReached,
    InvalidStake,
    OperatorsDoNotPlay,
    PlayerExcluded,
    InDebt,
    RateLimited,
    IdempotencyKeyReused,
    IdempotencyKeyInUse,
    ValidationFailed,
)
