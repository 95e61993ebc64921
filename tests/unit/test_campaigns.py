"""Campaigns' pure rules: what an operator may schedule, and how a status may move."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from casino_club.domain.accounts import FieldProblem
from casino_club.domain.campaigns import (
    MAX_LEAD,
    MAX_REWARD_GOLD,
    PAST_GRACE,
    CampaignNotCancellable,
    CampaignStatus,
    NewCampaign,
    may_move,
    moving_to,
    new_campaign,
)
from casino_club.domain.errors import ErrorCode
from casino_club.domain.segments import Segment

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
S = CampaignStatus


def codes(found: NewCampaign | list[FieldProblem]) -> list[tuple[str, str]]:
    assert isinstance(found, list), found
    return [(problem.field, problem.code) for problem in found]


def test_a_valid_campaign_is_trimmed_and_a_missing_reward_is_none() -> None:
    found = new_campaign(Segment.DORMANT_LONG, "  Come back ", " 500 gold ", None, NOW, NOW)
    assert found == NewCampaign(Segment.DORMANT_LONG, "Come back", "500 gold", 0, NOW)


@pytest.mark.parametrize("reward", [0, 1, MAX_REWARD_GOLD])
def test_rewards_within_bounds_are_taken(reward: int) -> None:
    found = new_campaign(Segment.WHALE, "t", "b", reward, NOW, NOW)
    assert isinstance(found, NewCampaign)
    assert found.reward_gold == reward


@pytest.mark.parametrize("reward", [-1, MAX_REWARD_GOLD + 1])
def test_rewards_out_of_bounds_are_refused(reward: int) -> None:
    found = new_campaign(Segment.WHALE, "t", "b", reward, NOW, NOW)
    assert codes(found) == [("rewardGold", "OUT_OF_RANGE")]


def test_every_broken_rule_is_named_at_once() -> None:
    found = new_campaign(Segment.NEW, "  ", "x" * 2001, -5, NOW - PAST_GRACE * 2, NOW)
    assert codes(found) == [
        ("title", "INVALID_LENGTH"),
        ("body", "INVALID_LENGTH"),
        ("rewardGold", "OUT_OF_RANGE"),
        ("sendAt", "IN_THE_PAST"),
    ]


@pytest.mark.parametrize(
    ("send_at", "ok"),
    [
        (NOW - PAST_GRACE, True),  # a few minutes back: now
        (NOW - PAST_GRACE - timedelta(seconds=1), False),
        (NOW + MAX_LEAD, True),
        (NOW + MAX_LEAD + timedelta(seconds=1), False),
    ],
)
def test_send_at_boundaries(send_at: datetime, ok: bool) -> None:
    found = new_campaign(Segment.ACTIVE, "t", "b", 10, send_at, NOW)
    assert isinstance(found, NewCampaign) is ok, found


def test_send_at_must_carry_an_offset_and_be_usable() -> None:
    naive = new_campaign(Segment.ACTIVE, "t", "b", 0, NOW.replace(tzinfo=None), NOW)
    assert codes(naive) == [("sendAt", "NAIVE_DATETIME")]
    ancient = new_campaign(Segment.ACTIVE, "t", "b", 0, datetime(1900, 1, 1, tzinfo=UTC), NOW)
    assert codes(ancient) == [("sendAt", "INSTANT_OUT_OF_RANGE")]


def test_the_status_moves_only_forward() -> None:
    allowed = {(a, b) for a in S for b in S if may_move(a, b)}
    assert allowed == {
        (S.SCHEDULED, S.SENDING),
        (S.SCHEDULED, S.CANCELLED),
        (S.SENDING, S.SENT),
    }


def test_only_a_scheduled_campaign_can_be_cancelled_or_started() -> None:
    assert moving_to(S.CANCELLED) == [S.SCHEDULED]
    assert moving_to(S.SENDING) == [S.SCHEDULED]
    assert moving_to(S.SENT) == [S.SENDING]
    assert moving_to(S.SCHEDULED) == []
    refusal = CampaignNotCancellable(S.SENDING)
    assert refusal.code is ErrorCode.CAMPAIGN_NOT_CANCELLABLE
    assert "SENDING" in refusal.message
