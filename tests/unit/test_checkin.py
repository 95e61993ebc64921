"""Daily check-in rules (SPEC §8.1) and the level they feed (§8.2)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from casino_club.domain.accounts import level_reached
from casino_club.domain.checkin import AlreadyClaimed, CheckIn, check_in, streak_alive
from casino_club.domain.errors import ErrorCode

TODAY = date(2026, 11, 23)


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def test_the_first_claim_starts_a_streak_and_yesterdays_continues_it() -> None:
    assert check_in(None, 0, TODAY, protections=3) == CheckIn(streak=1, protections_used=0)
    assert check_in(days_ago(1), 6, TODAY, protections=3) == CheckIn(7, 0)


@pytest.mark.parametrize(
    ("missed", "held", "expected"),
    [
        (1, 0, CheckIn(1, 0)),  # a missed day resets
        (1, 1, CheckIn(5, 1)),  # one item covers it
        (2, 2, CheckIn(5, 2)),  # one item per missed day
        (3, 2, CheckIn(1, 0)),  # not enough: reset, and no item is wasted
        (400, 1_000, CheckIn(5, 400)),
    ],
)
def test_missed_days_need_one_protection_each(missed: int, held: int, expected: CheckIn) -> None:
    assert check_in(days_ago(missed + 1), 4, TODAY, held) == expected


def test_the_reward_grows_with_the_streak_up_to_thirty_days() -> None:
    assert (CheckIn(1, 0).gold, CheckIn(1, 0).xp) == (1_200, 75)
    assert (CheckIn(30, 0).gold, CheckIn(30, 0).xp) == (7_000, 800)
    assert (CheckIn(31, 0).gold, CheckIn(365, 0).xp) == (7_000, 800)


def test_a_streak_stands_while_today_or_yesterday_was_claimed() -> None:
    assert streak_alive(TODAY, 5, TODAY) == 5
    assert streak_alive(days_ago(1), 5, TODAY) == 5
    assert streak_alive(days_ago(2), 5, TODAY) == 0
    assert streak_alive(None, 0, TODAY) == 0


def test_a_level_is_reached_every_500_xp() -> None:
    assert level_reached(0, 499) is None
    assert level_reached(499, 500) == 2
    assert level_reached(400, 1_600) == 4  # several at once: the one reached
    assert level_reached(500, 999) is None


def test_an_already_claimed_refusal_says_when_the_next_claim_opens() -> None:
    opens = datetime(2026, 11, 24, 0, 0, tzinfo=UTC)
    refused = AlreadyClaimed(opens)
    assert refused.code is ErrorCode.ALREADY_CLAIMED
    assert refused.message == "Already claimed; the next claim opens at 2026-11-24T00:00:00+00:00"
    assert AlreadyClaimed(None).message == "Already claimed; the next claim opens never again"
