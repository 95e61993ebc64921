"""Player segments (domain/segments.py): the lifecycle's boundaries and precedence, the
quintile scores with ties and tiny populations, and the RFM table."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from casino_club.domain.accounts import Rank
from casino_club.domain.segments import (
    PlayerFacts,
    RfmInput,
    RfmScores,
    Segment,
    SegmentKind,
    in_force,
    lifecycle,
    quintile_scores,
    rfm_scores,
    rfm_segment,
    segment_population,
)

TODAY = date(2026, 12, 6)


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


@pytest.mark.parametrize(
    ("joined", "last_play", "rank", "expected"),
    [
        # NEW: joined fewer than 7 game days ago, whatever else holds.
        (0, None, Rank.STANDARD, Segment.NEW),
        (6, None, Rank.STANDARD, Segment.NEW),
        (6, None, Rank.VIP, Segment.NEW),
        (7, 0, Rank.STANDARD, Segment.ACTIVE),
        # Dormancy by the last play: 6 vs 7 days, 29 vs 30.
        (100, 6, Rank.STANDARD, Segment.ACTIVE),
        (100, 7, Rank.STANDARD, Segment.DORMANT_SHORT),
        (100, 29, Rank.STANDARD, Segment.DORMANT_SHORT),
        (100, 30, Rank.STANDARD, Segment.DORMANT_LONG),
        (400, 365, Rank.STANDARD, Segment.DORMANT_LONG),
        # A player who never played counts from the day they joined.
        (7, None, Rank.STANDARD, Segment.DORMANT_SHORT),
        (29, None, Rank.STANDARD, Segment.DORMANT_SHORT),
        (30, None, Rank.STANDARD, Segment.DORMANT_LONG),
        # Dormancy before VIP; VIP before ACTIVE.
        (100, 7, Rank.VIP, Segment.DORMANT_SHORT),
        (100, 30, Rank.VIP, Segment.DORMANT_LONG),
        (100, 6, Rank.VIP, Segment.VIP),
        (100, 0, Rank.PREMIUM, Segment.ACTIVE),
    ],
)
def test_lifecycle_boundaries_and_precedence(
    joined: int, last_play: int | None, rank: Rank, expected: Segment
) -> None:
    played = None if last_play is None else ago(last_play)
    assert lifecycle(joined=ago(joined), last_play=played, rank=rank, today=TODAY) is expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], []),
        # One player, or everyone equal: the middle score.
        ([7], [3]),
        ([4, 4, 4, 4], [3, 3, 3, 3]),
        # Five distinct values: one per score, in the input's order.
        ([50, 10, 40, 20, 30], [5, 1, 4, 2, 3]),
        # Ten distinct values: two per score (the quintile edges at 2, 4, 6, 8).
        (list(range(10)), [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]),
        # Ties share a score: the two 20s sit between the fifths they span.
        ([10, 20, 20, 30, 40], [1, 3, 3, 4, 5]),
        # Most of the population at zero: they score 3, the few above 5.
        ([0] * 19 + [100], [3] * 19 + [5]),
        ([0] * 8 + [5, 9], [3] * 8 + [5, 5]),
        # Two players: the lower one's mid-rank is a quarter, the higher three quarters.
        ([1, 2], [2, 4]),
    ],
)
def test_quintile_scores(values: list[int], expected: list[int]) -> None:
    assert quintile_scores(values) == expected


def test_the_lowest_value_never_scores_above_the_middle() -> None:
    for size in range(1, 40):
        for zeros in range(1, size + 1):
            scores = quintile_scores([0] * zeros + list(range(1, size - zeros + 1)))
            assert scores[0] <= 3
            assert all(1 <= score <= 5 for score in scores)


def test_recency_scores_fewer_days_higher() -> None:
    population = {
        key: RfmInput(recency_days=days, plays=0, spend_cents=0)
        for key, days in enumerate([0, 3, 10, 40, 90])
    }
    assert [scores.recency for scores in rfm_scores(population).values()] == [5, 4, 3, 2, 1]
    assert rfm_scores({}) == {}


@pytest.mark.parametrize(
    ("r", "f", "m", "expected"),
    [
        (3, 1, 5, Segment.WHALE),
        (5, 5, 5, Segment.WHALE),
        (2, 5, 5, Segment.LOW_AT_RISK),  # a lapsing whale is at risk
        (3, 5, 4, Segment.MEDIUM),
        (4, 4, 1, Segment.HIGH_ENGAGED),
        (5, 3, 1, Segment.MEDIUM),
        (3, 4, 1, Segment.MEDIUM),
        (2, 5, 1, Segment.LOW_AT_RISK),
        (1, 1, 1, Segment.LOW_AT_RISK),
        (3, 3, 3, Segment.MEDIUM),
    ],
)
def test_rfm_table(r: int, f: int, m: int, expected: Segment) -> None:
    assert rfm_segment(RfmScores(r, f, m)) is expected


def test_a_population_is_segmented_from_its_facts() -> None:
    facts = {
        1: PlayerFacts(ago(100), ago(0), Rank.VIP, plays=500, spend_cents=50_000),
        2: PlayerFacts(ago(100), ago(1), Rank.STANDARD, plays=300, spend_cents=0),
        3: PlayerFacts(ago(100), ago(2), Rank.STANDARD, plays=50, spend_cents=0),
        4: PlayerFacts(ago(100), ago(20), Rank.STANDARD, plays=5, spend_cents=0),
        5: PlayerFacts(ago(100), None, Rank.STANDARD, plays=0, spend_cents=0),
    }
    computed = segment_population(facts, TODAY)
    assert [computed[key].lifecycle for key in facts] == [
        Segment.VIP,
        Segment.ACTIVE,
        Segment.ACTIVE,
        Segment.DORMANT_SHORT,
        Segment.DORMANT_LONG,
    ]
    assert [computed[key].rfm.segment for key in facts] == [
        Segment.WHALE,
        Segment.HIGH_ENGAGED,
        Segment.MEDIUM,
        Segment.LOW_AT_RISK,
        Segment.LOW_AT_RISK,
    ]
    assert segment_population({}, TODAY) == {}


def test_an_override_replaces_only_the_segment_of_its_kind() -> None:
    assert Segment.WHALE.kind is SegmentKind.RFM
    assert Segment.DORMANT_LONG.kind is SegmentKind.LIFECYCLE
    assert in_force(Segment.ACTIVE, Segment.VIP) is Segment.VIP
    assert in_force(Segment.ACTIVE, Segment.WHALE) is Segment.ACTIVE
    assert in_force(Segment.MEDIUM, Segment.WHALE) is Segment.WHALE
    assert in_force(Segment.MEDIUM, None) is Segment.MEDIUM
