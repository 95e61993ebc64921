"""Crash tests share a clock a day ahead and settings that leave sweeping to the test."""

from __future__ import annotations

import pytest

from casino_club.clock import FrozenClock
from casino_club.config import Settings
from tests.support import ahead_of_the_wall_clock


@pytest.fixture
def clock() -> FrozenClock:
    return ahead_of_the_wall_clock()


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # Simultaneous requests would meet the 10/s limit (tested with the other games). The
    # sweeper runs at start and then not again within a test (the longest allowed
    # interval), so the tests decide when rounds get swept.
    return settings.model_copy(
        update={"game_rate_limit_per_second": 1_000, "crash_sweep_interval_seconds": 60}
    )
