"""Limits a player sets on themselves (SPEC §5.5): a lower limit applies at once, a
higher one (or none) only after a cooling-off delay, so a limit cannot be lifted in the
heat of the moment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

MAX_LIMIT = 10**9  # a sanity bound on what a player can type


class LimitKind(StrEnum):
    DAILY_PURCHASE = "DAILY_PURCHASE"  # USD cents per game day
    MONTHLY_PURCHASE = "MONTHLY_PURCHASE"  # USD cents per game month
    DAILY_LOSS = "DAILY_LOSS"  # gold lost at play (stakes minus wins) per game day


@dataclass(frozen=True, slots=True)
class Limit:
    """A limit as set: `amount` in force (None: no limit), and a change waiting for
    `pending_from` (a raise or a removal)."""

    amount: int | None = None
    pending: bool = False
    pending_amount: int | None = None
    pending_from: datetime | None = None

    def at(self, now: datetime) -> Limit:
        """The limit as it stands at `now`: a pending change whose time has come applies."""
        if self.pending and self.pending_from is not None and now >= self.pending_from:
            return Limit(self.pending_amount)
        return self


def change(limit: Limit, requested: int | None, now: datetime, delay: timedelta) -> Limit:
    """Set a new limit: at once if it is lower (or the same), after `delay` if it is
    higher or removes the limit. A lower request also drops a waiting raise."""
    current = limit.at(now)
    lower = requested is not None and (current.amount is None or requested <= current.amount)
    if lower:
        return Limit(requested)
    return Limit(current.amount, pending=True, pending_amount=requested, pending_from=now + delay)


def room(limit: Limit, spent: int, now: datetime) -> int | None:
    """How much more may be spent in the period (None: no limit)."""
    amount = limit.at(now).amount
    return None if amount is None else max(amount - spent, 0)


@dataclass(frozen=True, slots=True)
class LossLimitHit:
    """A stake the daily loss limit refuses: the limit, and what may still be staked."""

    limit: int
    remaining: int


def loss_refusal(limit: Limit, lost_today: int, stake: int, now: datetime) -> LossLimitHit | None:
    """Whether a stake may be risked today (SPEC §5.5). A bet is refused when losing it
    all would take the day's net loss (stakes minus wins, so a winning day leaves more
    room) past the limit; a free play risks nothing and is never refused."""
    remaining = room(limit, lost_today, now)
    if remaining is None or stake <= remaining:
        return None
    amount = limit.at(now).amount
    assert amount is not None  # room() is None without one
    return LossLimitHit(limit=amount, remaining=remaining)


class Exclusion(StrEnum):
    """A break a player takes from play and purchases (SPEC §5.5); it cannot be ended
    early by the player."""

    COOL_OFF_24_HOURS = "COOL_OFF_24_HOURS"
    COOL_OFF_7_DAYS = "COOL_OFF_7_DAYS"
    COOL_OFF_30_DAYS = "COOL_OFF_30_DAYS"
    SELF_EXCLUSION_6_MONTHS = "SELF_EXCLUSION_6_MONTHS"

    @property
    def length(self) -> timedelta:
        return _LENGTHS[self]


_LENGTHS = {
    Exclusion.COOL_OFF_24_HOURS: timedelta(hours=24),
    Exclusion.COOL_OFF_7_DAYS: timedelta(days=7),
    Exclusion.COOL_OFF_30_DAYS: timedelta(days=30),
    Exclusion.SELF_EXCLUSION_6_MONTHS: timedelta(days=183),  # six months, never less
}


def break_in_force(until: datetime | None, now: datetime) -> datetime | None:
    """When a break ends, if one is in force at `now` (a past end is no break)."""
    return until if until is not None and until > now else None


def excluded_until(current: datetime | None, chosen: Exclusion, now: datetime) -> datetime:
    """When play may resume after choosing a break now: a new break can lengthen one in
    force, never shorten it."""
    ends = now + chosen.length
    return ends if current is None or current < ends else current


@dataclass(frozen=True, slots=True)
class PendingLimit:
    """A raise or removal of a limit, waiting until `applies_at`."""

    amount: int | None  # None: the limit will be removed
    applies_at: datetime


@dataclass(frozen=True, slots=True)
class LimitState:
    """A limit as it stands (None: no limit), and the change waiting to apply."""

    amount: int | None
    pending: PendingLimit | None

    @classmethod
    def of(cls, limit: Limit) -> LimitState:
        waiting = None
        if limit.pending and limit.pending_from is not None:
            waiting = PendingLimit(amount=limit.pending_amount, applies_at=limit.pending_from)
        return cls(amount=limit.amount, pending=waiting)


@dataclass(frozen=True, slots=True)
class PlayerLimits:
    """Every limit a player set on themselves, and the break in force."""

    daily_purchase_cents: LimitState
    monthly_purchase_cents: LimitState
    daily_loss_gold: LimitState
    excluded_until: datetime | None

    @classmethod
    def at(
        cls, limits: dict[LimitKind, Limit], excluded_until: datetime | None, now: datetime
    ) -> PlayerLimits:
        """The limits as they stand at `now` (a pending change whose time came applies)."""
        return cls(
            daily_purchase_cents=LimitState.of(limits[LimitKind.DAILY_PURCHASE].at(now)),
            monthly_purchase_cents=LimitState.of(limits[LimitKind.MONTHLY_PURCHASE].at(now)),
            daily_loss_gold=LimitState.of(limits[LimitKind.DAILY_LOSS].at(now)),
            excluded_until=break_in_force(excluded_until, now),
        )


@dataclass(frozen=True, slots=True)
class LimitsSet:
    limits: PlayerLimits


@dataclass(frozen=True, slots=True)
class CoolOffStarted:
    """The break has started: no play or purchase until `until`."""

    until: datetime


@dataclass(frozen=True, slots=True)
class ExclusionLifted:
    user_id: int
