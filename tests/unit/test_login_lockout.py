"""The lockout rule: 5 failures in 10 minutes lock for 10 minutes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from casino_club.domain.login_lockout import LockoutPolicy, locked_until, retry_after_seconds

T0 = datetime(2026, 1, 1, tzinfo=UTC)
POLICY = LockoutPolicy()


def at(*seconds: float) -> list[datetime]:
    return [T0 + timedelta(seconds=s) for s in seconds]


def test_four_failures_do_not_lock() -> None:
    assert locked_until(at(0, 1, 2, 3), T0 + timedelta(seconds=4), POLICY) is None


def test_fifth_failure_within_window_locks_for_ten_minutes() -> None:
    failures = at(0, 100, 200, 300, 599)
    assert locked_until(failures, T0 + timedelta(seconds=599), POLICY) == T0 + timedelta(
        seconds=1199
    )
    assert locked_until(failures, T0 + timedelta(seconds=1198), POLICY) is not None
    assert locked_until(failures, T0 + timedelta(seconds=1199), POLICY) is None


def test_window_is_strictly_under_ten_minutes() -> None:
    assert locked_until(at(0, 1, 2, 3, 600), T0 + timedelta(seconds=600), POLICY) is None


def test_failures_spent_by_a_lock_do_not_lock_again() -> None:
    failures = at(0, 1, 2, 3, 4)
    after_lock = T0 + timedelta(seconds=604)
    assert locked_until([*failures, after_lock], after_lock, POLICY) is None


def test_retry_after_rounds_up() -> None:
    assert retry_after_seconds(T0 + timedelta(seconds=10.2), T0) == 11
    assert retry_after_seconds(T0 + timedelta(milliseconds=1), T0) == 1


@given(st.lists(st.integers(min_value=0, max_value=3600), max_size=30), st.integers(0, 5000))
def test_lock_never_exceeds_lock_duration(offsets: list[int], now_offset: int) -> None:
    now = T0 + timedelta(seconds=now_offset)
    failures = [T0 + timedelta(seconds=s) for s in offsets if s <= now_offset]
    until = locked_until(failures, now, POLICY)
    if until is not None:
        assert now < until <= now + POLICY.lock
    if len(failures) < POLICY.max_failures:
        assert until is None
