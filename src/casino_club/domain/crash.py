"""Crash (SPEC §6.4): a multiplier that grows with server time until a crash point fixed
at bet time by the fair RNG.

Multipliers are integer hundredths (1.00× = 100) and time is whole milliseconds since
the round started, so every decision about money compares integers:

- crash point: `max(1.00, floor(99 / (1 − X)) / 100)` with X = u / 2**32 is, in
  hundredths, `max(100, 99·2**32 // (2**32 − u))` — so P(crash ≥ m) = 0.99 / m and
  every strategy returns 99%.
- curve: the multiplier shown at t ms is `floor(100 · e^(0.06 · t / 1000))` hundredths;
  a multiplier k is first shown at `reach_ms(k) = ceil(ln(k / 100) / 0.00006)` ms.
  Both are computed with 40-digit decimals. That settles them exactly: e^q is
  transcendental for every rational q ≠ 0 (Lindemann), so 100 · e^(0.00006 t) is never
  an integer for t > 0 and ln(k / 100) / 0.00006 is never an integer for k ≠ 100 — there
  are no ties for a rounding error to break the wrong way, only values that would have
  to lie within 10^-28 of an integer.
- the round crashes at `reach_ms(crash)`. A cash-out at t wins while the multiplier
  shown is below the crash point, that is for t < reach_ms(crash), and pays
  `floor(stake · m(t) / 100)`. An auto-cash-out target a wins when the round reaches
  it (a ≤ crash) and pays exactly at a — so auto-cashing at a returns
  P(crash ≥ a) · a = 0.99, as the spec promises for every strategy. A player's own
  click at the crash instant loses: at that instant the multiplier is not below the
  crash point.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext
from enum import StrEnum
from fractions import Fraction
from typing import ClassVar

from casino_club.domain.errors import ErrorCode
from casino_club.domain.fairness import SCALE, FairnessProof

ONE = 100
RETURN_PERCENT = 99
GROWTH_PER_SECOND = Decimal("0.06")
MIN_AUTO_CASHOUT = 101
# 1,000,000.00×: far beyond any realistic round (P = 9.9·10^-7), small enough that a
# maximum stake times it stays a safe JSON integer.
MAX_AUTO_CASHOUT = 100_000_000

_RATE_PER_MS = GROWTH_PER_SECOND / 1000
_DIGITS = 40


class RoundStatus(StrEnum):
    OPEN = "OPEN"
    CASHED_OUT = "CASHED_OUT"
    CRASHED = "CRASHED"


def crash_point(u: int) -> int:
    """The crash point in hundredths for the stream's float 0 (X = u / 2**32)."""
    if not 0 <= u < SCALE:
        raise ValueError("u must be a 32-bit unsigned integer")
    return max(ONE, RETURN_PERCENT * SCALE // (SCALE - u))


def survival(multiplier: int) -> Fraction:
    """P(crash ≥ multiplier) as published: 0.99 / m for m ≥ 1.01 (1 for m ≤ 1.00)."""
    if multiplier <= ONE:
        return Fraction(1)
    return Fraction(RETURN_PERCENT, multiplier)


def exact_survival(multiplier: int) -> Fraction:
    """P(crash ≥ multiplier) over the 2**32 equally likely floats.

    For k ≥ 101, crash ≥ k ⇔ 99·2**32 / (2**32 − u) ≥ k ⇔ u ≥ 2**32 − ⌊99·2**32 / k⌋,
    which ⌊99·2**32 / k⌋ of the floats satisfy: 0.99 / m to within 2**-32.
    """
    if multiplier <= ONE:
        return Fraction(1)
    return Fraction(RETURN_PERCENT * SCALE // multiplier, SCALE)


def instant_crash_probability() -> Fraction:
    """P(crash point = 1.00): the round is over before any cash-out can win (≈ 2/101)."""
    return 1 - exact_survival(ONE + 1)


def multiplier_at(elapsed_ms: int) -> int:
    """The multiplier shown `elapsed_ms` after the start, rounded down to hundredths."""
    if elapsed_ms <= 0:
        return ONE
    with localcontext() as context:
        context.prec = _DIGITS
        grown = ONE * (_RATE_PER_MS * elapsed_ms).exp()
        return int(grown.to_integral_value(rounding=ROUND_FLOOR))


def reach_ms(multiplier: int) -> int:
    """The first whole millisecond at which the multiplier shown is at least `multiplier`."""
    if multiplier <= ONE:
        return 0
    with localcontext() as context:
        context.prec = _DIGITS
        exact = (Decimal(multiplier) / ONE).ln() / _RATE_PER_MS
        return int(exact.to_integral_value(rounding=ROUND_CEILING))


def payout(stake: int, multiplier: int) -> int:
    return stake * multiplier // ONE


@dataclass(frozen=True, slots=True)
class Plan:
    """What is fixed at bet time: the crash point and the optional auto-cash-out target."""

    crash_point: int
    auto_cashout: int | None = None

    @property
    def crash_ms(self) -> int:
        return reach_ms(self.crash_point)

    @property
    def auto_wins(self) -> bool:
        return self.auto_cashout is not None and self.auto_cashout <= self.crash_point

    @property
    def ends_ms(self) -> int:
        """When the round settles by itself: the auto-cash-out if it wins, else the crash."""
        if self.auto_cashout is not None and self.auto_wins:
            return reach_ms(self.auto_cashout)
        return self.crash_ms


@dataclass(frozen=True, slots=True)
class Ending:
    """How a round ended: cashed out at `multiplier`, or crashed at it (the crash point)."""

    status: RoundStatus
    multiplier: int
    at_ms: int

    def payout(self, stake: int) -> int:
        return payout(stake, self.multiplier) if self.status is RoundStatus.CASHED_OUT else 0


def last_running_ms(plan: Plan, elapsed_ms: int) -> int:
    """The time to show for an open round: now, or — if it has ended and nobody has
    settled it yet — its last running moment, so the view never passes the ending."""
    return min(elapsed_ms, max(plan.ends_ms - 1, 0))


def ending_by(plan: Plan, elapsed_ms: int) -> Ending | None:
    """How the round has ended by `elapsed_ms` with no action from the player, if it has."""
    if plan.auto_cashout is not None and plan.auto_wins:
        at = reach_ms(plan.auto_cashout)
        if at <= elapsed_ms:
            return Ending(RoundStatus.CASHED_OUT, plan.auto_cashout, at)
    crashed_at = plan.crash_ms
    if crashed_at <= elapsed_ms:
        return Ending(RoundStatus.CRASHED, plan.crash_point, crashed_at)
    return None


def cash_out(plan: Plan, elapsed_ms: int) -> Ending:
    """The player asks to cash out at `elapsed_ms`."""
    ended = ending_by(plan, elapsed_ms)
    if ended is not None:
        return ended
    # Still running, so elapsed_ms < crash_ms and the multiplier is below the crash point.
    return Ending(RoundStatus.CASHED_OUT, multiplier_at(elapsed_ms), elapsed_ms)


def auto_cashout_return(target: int) -> Fraction:
    """Exact expected return of always auto-cashing at `target`, before whole-gold rounding."""
    return exact_survival(target) * Fraction(target, ONE)


# What players and operators see. Multipliers are shown as numbers with two decimals.


@dataclass(frozen=True, slots=True)
class CrashRound:
    """A round as a player may see it: no crash point until it has ended."""

    id: int
    user_id: int
    status: RoundStatus
    stake: int
    auto_cashout: float | None
    started_at: datetime
    elapsed_ms: int  # since the start (OPEN) or until the end
    multiplier: float  # OPEN: now; CASHED_OUT: the cash-out; CRASHED: the crash point
    crash_point: float | None
    payout: int | None  # once settled: the gold credited (0 if lost)
    settled_at: datetime | None
    fairness: FairnessProof


@dataclass(frozen=True, slots=True)
class RoundFilter:
    """Which rounds an operator lists; every field narrows when set."""

    user_id: int | None = None
    status: RoundStatus | None = None
    started_from: datetime | None = None  # inclusive
    started_before: datetime | None = None  # exclusive


@dataclass(frozen=True, slots=True)
class CrashBetPlaced:
    """A round opened by a bet, as a retry with its key replays it."""

    round: CrashRound
    balance: int
    replayed: bool = False


@dataclass(frozen=True, slots=True)
class ActiveRoundExists:
    """The player already has a running round; nothing was charged."""

    code: ClassVar[ErrorCode] = ErrorCode.ACTIVE_ROUND_EXISTS
    round: CrashRound

    @property
    def message(self) -> str:
        return "Finish the running crash round before starting another"


@dataclass(frozen=True, slots=True)
class RoundNotFound:
    """No round with this id belongs to the caller."""

    code: ClassVar[ErrorCode] = ErrorCode.ROUND_NOT_FOUND

    @property
    def message(self) -> str:
        return "No such round"


@dataclass(frozen=True, slots=True)
class CrashCashedOut:
    """Cashed out: the payout was credited once, at `multiplier`."""

    round: CrashRound
    multiplier: float
    payout: int
    balance: int
    replayed: bool  # the round was settled earlier (a repeated cash-out or the auto-cash-out)


@dataclass(frozen=True, slots=True)
class CrashRoundLost:
    """The round crashed before the cash-out; the stake is lost."""

    round: CrashRound
    crash_point: float


class TickKind(StrEnum):
    TICK = "TICK"
    CASHED_OUT = "CASHED_OUT"
    CRASHED = "CRASHED"


@dataclass(frozen=True, slots=True)
class CrashTick:
    """One moment of a running round, or how it ended (the last one)."""

    round_id: int
    kind: TickKind
    multiplier: float
    elapsed_ms: int
    crash_point: float | None  # set on the final CRASHED
    payout: int | None  # set on the final CASHED_OUT


@dataclass(frozen=True, slots=True)
class CrashOdds:
    """P(crash ≥ multiplier)."""

    multiplier: float
    probability: float
    exact: str  # over the 2^32 floats of the stream, as a fraction


@dataclass(frozen=True, slots=True)
class CrashConfig:
    """The published rules and odds: every strategy returns 99%."""

    rtp: float
    house_edge_percent: int
    curve: str
    growth_per_second: float
    tick_interval_ms: int
    min_stake: int
    max_stake: int
    min_auto_cashout: float
    max_auto_cashout: float
    instant_crash_probability: float
    settle_within_seconds: int
    odds: tuple[CrashOdds, ...]
