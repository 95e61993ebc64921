"""domain/recommendations.py: which missions are suggested, in what order, how many,
and nothing during a break."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from casino_club.domain.missions import (
    Mission,
    MissionEvent,
    MissionPeriod,
    PlayerMission,
    StoredMission,
)
from casino_club.domain.recommendations import (
    MAX_RECOMMENDATIONS,
    PlayerSituation,
    RecommendationRule,
    RuleReport,
    recommend,
)

TODAY = date(2026, 12, 6)
RESET = datetime(2026, 12, 7, tzinfo=UTC)


def mission(
    row: int, progress: int, target: int = 10, *, claimed: bool = False, locked: bool = False
) -> PlayerMission:
    defined = Mission(
        f"m{row}", f"Mission {row}", MissionPeriod.DAILY, MissionEvent.SLOT_SPIN, target, 100, 10
    )
    return PlayerMission(
        mission=StoredMission(row, defined),
        progress=progress,
        target=target,
        completed=progress >= target,
        claimed=claimed,
        locked=locked,
        resets_at=RESET,
    )


def rules(
    *missions: PlayerMission, claimed_today: bool = True, excluded: bool = False
) -> list[str]:
    situation = PlayerSituation(excluded, TODAY, claimed_today, missions)
    return [f"{r.rule}:{r.mission_id}" for r in recommend(situation)]


@pytest.mark.parametrize(("progress", "near"), [(7, False), (8, True), (9, True)])
def test_nearly_done_is_from_80_percent(progress: int, near: bool) -> None:
    assert rules(mission(1, progress)) == (["MISSION_NEAR_COMPLETION:1"] if near else [])


def test_claimed_and_locked_missions_are_not_suggested() -> None:
    assert rules(mission(1, 10, claimed=True), mission(2, 9, locked=True)) == []


def test_order_daily_then_claimable_then_the_closest() -> None:
    found = rules(mission(1, 8), mission(2, 10), mission(3, 95, 100), claimed_today=False)
    # The nearly done by what is left: mission 1 has 2 to go, mission 3 has 5.
    assert found == [
        "DAILY_REWARD:None",
        "MISSION_CLAIMABLE:2",
        "MISSION_NEAR_COMPLETION:1",
        "MISSION_NEAR_COMPLETION:3",
    ]


def test_at_most_five_and_none_during_a_break() -> None:
    many = [mission(row, 10) for row in range(1, 9)]
    assert len(rules(*many, claimed_today=False)) == MAX_RECOMMENDATIONS
    assert rules(*many, claimed_today=False, excluded=True) == []


def test_ids_name_rule_subject_and_period() -> None:
    [daily, claim] = recommend(PlayerSituation(False, TODAY, False, [mission(4, 10)]))
    assert daily.id == "DAILY_REWARD:2026-12-06"
    assert claim.id == "MISSION_CLAIMABLE:4:2026-12-07"
    assert claim.rule is RecommendationRule.MISSION_CLAIMABLE


def test_click_through() -> None:
    assert RuleReport(RecommendationRule.DAILY_REWARD, 3, 1, 1).click_through_percent == 33.33
    assert RuleReport(RecommendationRule.DAILY_REWARD, 0, 0, 0).click_through_percent == 0.0
