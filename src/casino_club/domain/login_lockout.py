"""Brute-force protection for login (SPEC §5.1).

After `max_failures` failed attempts inside a `window`, the account is locked for
`lock`. Attempts refused *because* of the lock do not count, so a locked account is
not locked forever by someone hammering it; the failures that caused a lock are spent
by it, so the count starts fresh when the lock ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class LoginOutcome(StrEnum):
    """How a recorded login attempt ended (players see their own in `me.loginHistory`)."""

    SUCCESS = "SUCCESS"
    # The only outcome that counts towards a lock (a name, not a secret: hence the noqa).
    BAD_PASSWORD = "BAD_PASSWORD"  # noqa: S105
    UNKNOWN_USER = "UNKNOWN_USER"
    LOCKED = "LOCKED"  # refused during a lock, without trying the password
    BANNED = "BANNED"  # right password, banned account
    RATE_LIMITED = "RATE_LIMITED"  # refused by the per-address throttle


@dataclass(frozen=True, slots=True)
class LockoutPolicy:
    max_failures: int = 5
    window: timedelta = timedelta(minutes=10)
    lock: timedelta = timedelta(minutes=10)

    @property
    def lookback(self) -> timedelta:
        """How far back a caller must load failures to decide a lock now."""
        return self.window + self.lock


def locked_until(
    failures: Sequence[datetime], now: datetime, policy: LockoutPolicy
) -> datetime | None:
    """When the current lock ends, or None if the account is not locked at `now`.

    `failures` are the times of counted failed attempts since the last successful
    login, in any order.
    """
    window: list[datetime] = []
    lock_end: datetime | None = None
    for at in sorted(failures):
        if lock_end is not None and at < lock_end:
            continue
        window = [t for t in window if at - t < policy.window]
        window.append(at)
        if len(window) >= policy.max_failures:
            lock_end = at + policy.lock
            window = []
    if lock_end is not None and now < lock_end:
        return lock_end
    return None


def retry_after_seconds(until: datetime, now: datetime) -> int:
    """Whole seconds a client should wait; at least 1 while locked."""
    remaining = (until - now).total_seconds()
    return max(1, int(-(-remaining // 1)))
