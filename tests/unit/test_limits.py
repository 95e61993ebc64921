"""Player limits (SPEC §5.5): lower at once, higher (or none) only after the delay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from casino_club.domain.limits import Limit, LossLimitHit, change, loss_refusal, room

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
DAY = timedelta(hours=24)


def test_a_first_limit_and_a_lower_one_apply_at_once() -> None:
    first = change(Limit(), 1_000, NOW, DAY)
    assert first == Limit(1_000)
    assert change(first, 500, NOW, DAY) == Limit(500)
    assert change(first, 1_000, NOW, DAY) == Limit(1_000)


def test_a_higher_limit_waits_for_the_delay() -> None:
    raised = change(Limit(1_000), 5_000, NOW, DAY)
    assert raised.at(NOW).amount == 1_000
    assert raised.at(NOW + DAY - timedelta(seconds=1)).amount == 1_000
    assert raised.at(NOW + DAY) == Limit(5_000)


def test_removing_a_limit_is_a_raise() -> None:
    removed = change(Limit(1_000), None, NOW, DAY)
    assert removed.at(NOW + timedelta(hours=23)).amount == 1_000
    assert removed.at(NOW + DAY) == Limit(None)


def test_lowering_while_a_raise_waits_cancels_the_raise() -> None:
    raised = change(Limit(1_000), 5_000, NOW, DAY)
    lowered = change(raised, 800, NOW + timedelta(hours=1), DAY)
    assert lowered == Limit(800)
    assert lowered.at(NOW + 2 * DAY).amount == 800


def test_a_second_raise_restarts_the_wait_from_what_is_in_force() -> None:
    raised = change(Limit(1_000), 5_000, NOW, DAY)
    again = change(raised, 9_000, NOW + timedelta(hours=20), DAY)
    assert again.at(NOW + DAY).amount == 1_000  # the first raise was replaced
    assert again.at(NOW + timedelta(hours=44)).amount == 9_000


def test_a_raise_that_already_applied_counts_as_the_current_limit() -> None:
    raised = change(Limit(1_000), 5_000, NOW, DAY)
    later = NOW + 2 * DAY
    assert change(raised, 3_000, later, DAY) == Limit(3_000)  # lower than 5,000: at once


def test_room_is_what_is_left_in_the_period() -> None:
    assert room(Limit(1_000), 400, NOW) == 600
    assert room(Limit(1_000), 1_400, NOW) == 0
    assert room(Limit(), 10**12, NOW) is None


def test_a_stake_may_take_the_day_exactly_to_the_loss_limit() -> None:
    limit = Limit(1_000)
    assert loss_refusal(limit, 900, 100, NOW) is None
    assert loss_refusal(limit, 900, 101, NOW) == LossLimitHit(limit=1_000, remaining=100)
    assert loss_refusal(limit, 1_200, 10, NOW) == LossLimitHit(limit=1_000, remaining=0)


def test_a_winning_day_leaves_more_room_and_a_free_play_needs_none() -> None:
    limit = Limit(1_000)
    assert loss_refusal(limit, -500, 1_500, NOW) is None  # net: 500 won, 1,500 at risk
    assert loss_refusal(limit, -500, 1_501, NOW) == LossLimitHit(limit=1_000, remaining=1_500)
    assert loss_refusal(Limit(0), 0, 0, NOW) is None
    assert loss_refusal(Limit(0), 0, 1, NOW) == LossLimitHit(limit=0, remaining=0)


def test_no_loss_limit_refuses_nothing_and_a_waiting_raise_applies_on_time() -> None:
    assert loss_refusal(Limit(), 10**12, 10**6, NOW) is None
    raised = change(Limit(100), 10_000, NOW, DAY)
    assert loss_refusal(raised, 0, 5_000, NOW) == LossLimitHit(limit=100, remaining=100)
    assert loss_refusal(raised, 0, 5_000, NOW + DAY) is None
