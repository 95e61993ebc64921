"""What the game suggests to a player next: rule-based, from where the player stands.

Each rule names a thing the player can do now that pays them: today's daily reward not
yet claimed, a mission completed but not claimed, a mission nearly done. A player on a
cool-off or self-exclusion is suggested nothing (every suggestion is an invitation to
play). A suggestion's id names its rule, its subject and its period, so it stays the
same while it applies (feedback and click-through are counted per id) and a new one
comes with the next period.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import ClassVar

from casino_club.domain.errors import ErrorCode
from casino_club.domain.missions import PlayerMission

# A mission is "nearly done" from this share of its target on (4/5 = 80 %).
NEAR_NUMERATOR, NEAR_DENOMINATOR = 4, 5
MAX_RECOMMENDATIONS = 5


class RecommendationRule(StrEnum):
    """Why a suggestion is made; operators read click-through per rule."""

    DAILY_REWARD = "DAILY_REWARD"
    MISSION_CLAIMABLE = "MISSION_CLAIMABLE"
    MISSION_NEAR_COMPLETION = "MISSION_NEAR_COMPLETION"


@dataclass(frozen=True, slots=True)
class Recommendation:
    id: str
    rule: RecommendationRule
    title: str
    body: str
    mission_id: int | None = None


@dataclass(frozen=True, slots=True)
class PlayerSituation:
    """What the rules read of a player now."""

    excluded: bool
    today: date  # the game day
    daily_claimed_today: bool
    missions: Sequence[PlayerMission]


def recommend(situation: PlayerSituation) -> list[Recommendation]:
    """The player's suggestions, most rewarding first: at most MAX_RECOMMENDATIONS."""
    if situation.excluded:
        return []
    found: list[Recommendation] = []
    if not situation.daily_claimed_today:
        found.append(
            Recommendation(
                id=f"{RecommendationRule.DAILY_REWARD}:{situation.today.isoformat()}",
                rule=RecommendationRule.DAILY_REWARD,
                title="Your daily reward is waiting",
                body="Claim today's check-in reward to keep your streak going.",
            )
        )
    open_missions = [m for m in situation.missions if not m.locked and not m.claimed]
    for mission in open_missions:
        if mission.completed:
            found.append(_about(mission, RecommendationRule.MISSION_CLAIMABLE))
    near = sorted(
        (m for m in open_missions if not m.completed and _nearly_done(m)),
        key=lambda m: (m.target - m.progress, m.mission.id),
    )
    found.extend(_about(m, RecommendationRule.MISSION_NEAR_COMPLETION) for m in near)
    return found[:MAX_RECOMMENDATIONS]


def _nearly_done(mission: PlayerMission) -> bool:
    return mission.progress * NEAR_DENOMINATOR >= mission.target * NEAR_NUMERATOR


def _about(mission: PlayerMission, rule: RecommendationRule) -> Recommendation:
    title = mission.mission.mission.title
    reward = mission.mission.mission.reward_gold
    # The mission's period: its reset, or (a one-off) for good.
    period = mission.resets_at.date().isoformat() if mission.resets_at else "once"
    if rule is RecommendationRule.MISSION_CLAIMABLE:
        heading, body = (
            f"Claim “{title}”",
            f"You completed it: {reward:,} gold is waiting for you.",
        )
    else:
        left = mission.target - mission.progress
        heading, body = (
            f"Almost there: “{title}”",
            f"{left:,} more to go for {reward:,} gold.",
        )
    return Recommendation(
        id=f"{rule}:{mission.mission.id}:{period}",
        rule=rule,
        title=heading,
        body=body,
        mission_id=mission.mission.id,
    )


@dataclass(frozen=True, slots=True)
class FeedbackRecorded:
    """The player's verdict on a suggestion they were shown (the latest one counts)."""

    recommendation_id: str
    useful: bool


@dataclass(frozen=True, slots=True)
class RecommendationNotFound:
    """No suggestion with this id was shown to the caller."""

    code: ClassVar[ErrorCode] = ErrorCode.RECOMMENDATION_NOT_FOUND

    @property
    def message(self) -> str:
        return "No suggestion with this id was shown to you"


@dataclass(frozen=True, slots=True)
class RuleReport:
    """How players took one rule's suggestions: shown (once per player and suggestion),
    and the verdicts given."""

    rule: RecommendationRule
    shown: int
    useful: int
    not_useful: int

    @property
    def click_through_percent(self) -> float:
        """Useful verdicts per suggestion shown, in percent (0 when none was shown)."""
        return round(100 * self.useful / self.shown, 2) if self.shown else 0.0
