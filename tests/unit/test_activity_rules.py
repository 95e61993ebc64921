"""domain/activity.py: which keys are personal, scrubbing at every depth, and the bounds
of what is kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from casino_club.domain.activity import (
    MAX_METADATA_BYTES,
    ActivityCounts,
    ActivityEvent,
    ActivityType,
    checked_event,
    is_personal,
    scrubbed,
)
from casino_club.domain.refusals import ValidationFailed

NOW = datetime(2026, 12, 6, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("key", "personal"),
    [
        ("password", True),
        ("Pass_Word", True),  # separators and case are ignored
        ("user_password", True),
        ("E-Mail", True),
        ("phoneNumber", True),
        ("mobile", True),
        ("card_number", True),
        ("CVV", True),
        ("accessToken", True),
        ("homeAddress", True),
        ("date_of_birth", True),
        ("screen", False),
        ("sku", False),
        ("seconds", False),
        ("panel", False),
    ],
)
def test_personal_keys(key: str, personal: bool) -> None:
    assert is_personal(key) is personal


def test_scrubbing_reaches_every_depth() -> None:
    value = {"a": [{"email": 1, "b": {"token": 2, "c": 3}}], "secret": 4}
    assert scrubbed(value) == {"a": [{"b": {"c": 3}}]}


def check(kind: ActivityType, metadata: Any, ts: datetime | None = None) -> Any:
    return checked_event(kind, "e1", metadata, ts, NOW)


@pytest.mark.parametrize(
    ("metadata", "kept"),
    [
        ({"a": {"b": {"c": 1}}}, True),  # three levels
        ({"a": {"b": {"c": {"d": 1}}}}, False),
        ({f"k{i}": i for i in range(32)}, True),
        ({f"k{i}": i for i in range(33)}, False),
        ({"blob": "x" * (MAX_METADATA_BYTES - 12)}, True),  # {"blob":"…"} is 11 more bytes
        ({"blob": "x" * (MAX_METADATA_BYTES - 10)}, False),
        # Bounds are of what is kept: scrubbed keys do not count.
        ({"password": "x" * 5000, "screen": "shop"}, True),
    ],
)
def test_metadata_bounds(metadata: Any, kept: bool) -> None:
    assert isinstance(check(ActivityType.SCREEN_VIEW, metadata), ActivityEvent) is kept


@pytest.mark.parametrize(
    ("seconds", "kept"), [(1, True), (86_400, True), (0, False), (86_401, False), (1.5, False)]
)
def test_play_duration_needs_whole_seconds(seconds: Any, kept: bool) -> None:
    event = check(ActivityType.PLAY_DURATION, {"seconds": seconds})
    assert isinstance(event, ActivityEvent) is kept
    if kept:
        assert isinstance(event, ActivityEvent)
        assert event.counts == ActivityCounts(play_seconds=seconds)


@pytest.mark.parametrize(
    ("offset", "kept"),
    [(timedelta(days=7), True), (-timedelta(days=7), True), (timedelta(days=7, seconds=1), False)],
)
def test_the_clients_clock_may_be_a_week_off(offset: timedelta, kept: bool) -> None:
    event = check(ActivityType.SCREEN_VIEW, None, NOW + offset)
    assert isinstance(event, ActivityEvent) is kept
    if not kept:
        assert isinstance(event, ValidationFailed)
        assert [p.field for p in event.fields] == ["clientTs"]


def test_a_client_time_without_an_offset_is_refused_not_compared() -> None:
    """A naive time cannot be compared with the server's aware clock (a TypeError, an
    internal error, before this check)."""
    event = check(ActivityType.SCREEN_VIEW, None, datetime(2026, 12, 6, 12))
    assert isinstance(event, ValidationFailed)
    assert [(p.field, p.code) for p in event.fields] == [("clientTs", "INVALID")]
