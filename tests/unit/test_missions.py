"""Mission rules (SPEC §8.3): what each action counts, the periods progress belongs to,
and what a mission definition may be."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casino_club.domain.days import game_day
from casino_club.domain.errors import ErrorCode
from casino_club.domain.games import Game
from casino_club.domain.missions import (
    CHECKIN_COUNTS,
    EVER,
    MAX_COUNTS,
    PURCHASE_COUNTS,
    STARTER_MISSIONS,
    Advance,
    ClaimRefusal,
    Mission,
    MissionEvent,
    MissionNotComplete,
    MissionNotFound,
    MissionPeriod,
    Periods,
    claim_refusal,
    locked,
    open_round_counts,
    periods_at,
    play_counts,
)
from casino_club.domain.stats import PlayTotals

E = MissionEvent
SEOUL = ZoneInfo("Asia/Seoul")
NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("game", "play", "units", "expected"),
    [
        (Game.SLOTS, PlayTotals(100, 0), 1, ((E.SLOT_SPIN, 1), (E.GOLD_STAKED, 100))),
        (
            Game.SLOTS,
            PlayTotals(100, 250),
            1,
            ((E.SLOT_SPIN, 1), (E.SLOT_WIN, 1), (E.GOLD_STAKED, 100)),
        ),
        # A payout equal to the stake is no win (as in the stats).
        (Game.SLOTS, PlayTotals(100, 100), 1, ((E.SLOT_SPIN, 1), (E.GOLD_STAKED, 100))),
        (
            Game.DICE,
            PlayTotals(50, 99),
            1,
            ((E.DICE_ROLL, 1), (E.DICE_WIN, 1), (E.GOLD_STAKED, 50)),
        ),
        (Game.RPS, PlayTotals(10, 10), 1, ((E.RPS_PLAY, 1), (E.GOLD_STAKED, 10))),
        (Game.RPS, PlayTotals(10, 20), 1, ((E.RPS_PLAY, 1), (E.RPS_WIN, 1), (E.GOLD_STAKED, 10))),
        # A ten-pull counts ten pulls; a ticket pull stakes no gold; gacha has no wins.
        (Game.GACHA, PlayTotals(900, 50), 10, ((E.GACHA_PULL, 10), (E.GOLD_STAKED, 900))),
        (Game.GACHA, PlayTotals(0, 0), 1, ((E.GACHA_PULL, 1),)),
        # The free wheel spin stakes nothing; a paid one does, and a prize is no "win".
        (Game.WHEEL, PlayTotals(0, 500), 1, ((E.WHEEL_SPIN, 1),)),
        (Game.WHEEL, PlayTotals(100, 500), 1, ((E.WHEEL_SPIN, 1), (E.GOLD_STAKED, 100))),
        # A crash round's bet and stake counted when placed: its end counts a cash-out.
        (Game.CRASH, PlayTotals(100, 150, 150), 1, ((E.CRASH_CASHOUT, 1),)),
        (Game.CRASH, PlayTotals(100, 0, None), 1, ()),
        (Game.CRASH, PlayTotals(100, 100, 100), 1, ()),  # 1.00×: the stake back
        (Game.CRASH, PlayTotals(10, 10, 101), 1, ((E.CRASH_CASHOUT, 1),)),
    ],
)
def test_what_a_finished_play_counts(
    game: Game, play: PlayTotals, units: int, expected: tuple[tuple[E, int], ...]
) -> None:
    assert play_counts(game, play, units) == expected


def test_other_actions_count_one_event_each_and_no_action_counts_more_than_the_maximum() -> None:
    assert open_round_counts(250) == ((E.CRASH_BET, 1), (E.GOLD_STAKED, 250))
    assert PURCHASE_COUNTS == ((E.PURCHASE, 1),) and CHECKIN_COUNTS == ((E.DAILY_CHECKIN, 1),)
    for game in Game:
        for play in (PlayTotals(10, 0), PlayTotals(10, 100, 300)):
            assert len(play_counts(game, play, 10)) <= MAX_COUNTS


def test_every_event_is_counted_by_some_action() -> None:
    """A mission on an event nothing counts could never be completed."""
    plays = [PlayTotals(10, 100, 200), PlayTotals(10, 0)]
    counted = {event for game in Game for p in plays for event, _ in play_counts(game, p, 1)}
    counted |= {e for e, _ in (*open_round_counts(1), *PURCHASE_COUNTS, *CHECKIN_COUNTS)}
    assert counted == set(MissionEvent)


def test_periods_daily_is_the_game_day_weekly_its_monday_once_is_forever() -> None:
    sunday = Periods(date(2031, 6, 15))
    assert sunday.day.weekday() == 6
    assert sunday.of(MissionPeriod.DAILY) == date(2031, 6, 15)
    assert sunday.of(MissionPeriod.WEEKLY) == date(2031, 6, 9)
    assert sunday.of(MissionPeriod.ONCE) == EVER
    monday = Periods(date(2031, 6, 16))
    assert monday.of(MissionPeriod.WEEKLY) == date(2031, 6, 16)
    assert sunday.ends_at(MissionPeriod.DAILY, SEOUL) == datetime(2031, 6, 15, 15, tzinfo=UTC)
    assert sunday.ends_at(MissionPeriod.WEEKLY, SEOUL) == datetime(2031, 6, 15, 15, tzinfo=UTC)
    assert monday.ends_at(MissionPeriod.WEEKLY, SEOUL) == datetime(2031, 6, 22, 15, tzinfo=UTC)
    assert sunday.ends_at(MissionPeriod.ONCE, SEOUL) is None


def test_a_period_ends_at_local_midnight_across_a_dst_change() -> None:
    """New York springs forward on Sunday 2031-03-09: Monday's midnight is UTC-4."""
    saturday = Periods(date(2031, 3, 8))
    assert saturday.ends_at(MissionPeriod.DAILY, NEW_YORK) == datetime(2031, 3, 9, 5, tzinfo=UTC)
    assert saturday.ends_at(MissionPeriod.WEEKLY, NEW_YORK) == datetime(2031, 3, 10, 4, tzinfo=UTC)


instants = st.datetimes(
    min_value=datetime(2000, 1, 3), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
zones = st.sampled_from([ZoneInfo("UTC"), SEOUL, NEW_YORK, ZoneInfo("Pacific/Chatham")])


@given(instants, zones)
def test_now_lies_inside_its_periods_and_the_next_period_begins_at_their_end(
    now: datetime, zone: ZoneInfo
) -> None:
    periods = periods_at(now, zone)
    assert periods.day == game_day(now, zone)
    assert periods.week.weekday() == 0 and 0 <= (periods.day - periods.week).days < 7
    for period in (MissionPeriod.DAILY, MissionPeriod.WEEKLY):
        end = periods.ends_at(period, zone)
        assert end is not None and now < end <= now + timedelta(days=7, hours=1)
        after = periods_at(end, zone)
        assert after.of(period) != periods.of(period)
        before = periods_at(end - timedelta(microseconds=1), zone)
        assert before.of(period) == periods.of(period)


SPIN = Mission("spin", "Spin", MissionPeriod.DAILY, E.SLOT_SPIN, 3, 100, 10)


@pytest.mark.parametrize(
    ("changes", "complaint"),
    [
        ({"key": ""}, "a key is"),
        ({"key": "Upper"}, "a key is"),
        ({"key": "has space"}, "a key is"),
        ({"key": "x" * 65}, "a key is"),
        ({"title": ""}, "a title is"),
        ({"title": "t" * 121}, "a title is"),
        ({"description": "d" * 501}, "a description is"),
        ({"target": 0}, "a target is"),
        ({"target": 10**12 + 1}, "a target is"),
        ({"reward_gold": -1}, "reward gold is"),
        ({"reward_xp": -1}, "reward XP is"),
        ({"min_level": 0}, "a minimum level is"),
        ({"min_multiplier": 200}, "a minimum multiplier is"),  # only for cash-outs
        ({"event": E.CRASH_CASHOUT, "min_multiplier": 100}, "a minimum multiplier is"),
        ({"event": E.CRASH_CASHOUT, "min_multiplier": 100_000_001}, "a minimum multiplier is"),
    ],
)
def test_a_mission_definition_outside_the_rules_is_refused(
    changes: dict[str, Any], complaint: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(complaint)):
        dataclasses.replace(SPIN, **changes)


def test_the_starter_missions_are_valid_distinct_and_at_least_six() -> None:
    assert len(STARTER_MISSIONS) >= 6
    assert len({m.key for m in STARTER_MISSIONS}) == len(STARTER_MISSIONS)
    assert {m.period for m in STARTER_MISSIONS} == set(MissionPeriod)


def test_an_advance_is_complete_at_its_target() -> None:
    assert not Advance(1, 2, 3).completed and Advance(1, 3, 3).completed


def test_a_claim_needs_the_target_and_no_earlier_claim_this_period() -> None:
    assert claim_refusal(2, 3, claimed=False) is ClaimRefusal.NOT_COMPLETE
    assert claim_refusal(3, 3, claimed=True) is ClaimRefusal.ALREADY_CLAIMED
    assert claim_refusal(3, 3, claimed=False) is None


def test_a_mission_above_the_players_level_is_locked() -> None:
    gated = dataclasses.replace(SPIN, min_level=5)
    assert locked(gated, 4) and not locked(gated, 5) and not locked(SPIN, 1)


def test_a_refused_claim_says_why_with_its_code() -> None:
    short = MissionNotComplete(progress=2, target=3)
    assert (short.code, short.message) == (
        ErrorCode.MISSION_NOT_COMPLETE,
        "Not complete yet: 2 of 3",
    )
    missing = MissionNotFound()
    assert (missing.code, missing.message) == (ErrorCode.MISSION_NOT_FOUND, "No such mission")
