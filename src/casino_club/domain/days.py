"""Game days: daily limits, check-ins and resets turn over at midnight in GAME_TIMEZONE."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from casino_club.domain.errors import BadUserInput


def game_day(now: datetime, zone: ZoneInfo) -> date:
    return now.astimezone(zone).date()


def midnight(day: date, zone: ZoneInfo) -> datetime:
    """When `day` begins in the game's time zone, as UTC (DST-safe: built from the date)."""
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def next_day_start(now: datetime, zone: ZoneInfo) -> datetime:
    """The next midnight in the game's time zone, as UTC."""
    return midnight(game_day(now, zone) + timedelta(days=1), zone)


def day_start(now: datetime, zone: ZoneInfo) -> datetime:
    """The midnight that began the current game day, as UTC."""
    return midnight(game_day(now, zone), zone)


def month_start(now: datetime, zone: ZoneInfo) -> datetime:
    """The first midnight of the current game month, as UTC."""
    return midnight(game_day(now, zone).replace(day=1), zone)


def next_month_start(now: datetime, zone: ZoneInfo) -> datetime:
    first = game_day(now, zone).replace(day=1)
    return midnight((first + timedelta(days=32)).replace(day=1), zone)


# Instants an operator may set: far enough inside the calendar that moving them to UTC,
# or adding a window or a day to them, never leaves it.
FIRST_INSTANT = datetime(1970, 1, 1, tzinfo=UTC)
LAST_INSTANT = datetime(9000, 1, 1, tzinfo=UTC)


def usable_instant(value: datetime) -> bool:
    """Aware, and between 1970 and 9000."""
    if value.tzinfo is None:
        return False
    try:
        return FIRST_INSTANT <= value <= LAST_INSTANT
    except OverflowError:  # comparing moves it to UTC: beyond year 1 or 9999
        return False


def check_instant(name: str, value: datetime | None) -> None:
    """An instant argument that can be compared with stored ones (`usable_instant`)."""
    if value is not None and not usable_instant(value):
        raise BadUserInput(f"{name} must carry a UTC offset and lie between 1970 and 9000")


def check_since(since: datetime | None) -> None:
    """A `since` argument an instant can be compared with."""
    check_instant("since", since)
