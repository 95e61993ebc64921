"""Progression's tests play every game in one app (stats, missions, leaderboards)."""

from __future__ import annotations

import pytest

from casino_club.clock import FrozenClock
from casino_club.config import Settings
from tests.conftest import Backend
from tests.support import ahead_of_the_wall_clock


@pytest.fixture
def clock() -> FrozenClock:
    # Crash rounds here are settled by the test alone (see tests/support.py).
    return ahead_of_the_wall_clock()


@pytest.fixture
def settings(backend: Backend) -> Settings:
    """No rate limit in the way of many plays; crash's sweeper out of the test's way."""
    return backend.settings(game_rate_limit_per_second=100_000, crash_sweep_interval_seconds=60)
