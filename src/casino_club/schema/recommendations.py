"""Suggestion types: what the game suggests to a player next, their verdict on it, and
operators' click-through per rule."""

from __future__ import annotations

from typing import Annotated

import strawberry

from casino_club.domain import recommendations
from casino_club.domain.ids import NodeKind
from casino_club.domain.recommendations import RecommendationRule
from casino_club.schema.enums import graphql_enum
from casino_club.schema.errors import UserError
from casino_club.schema.identity import reference
from casino_club.schema.outcomes import presents

RecommendationRuleEnum = graphql_enum(
    RecommendationRule,
    "RecommendationRule",
    "Why a suggestion is made.",
    {
        RecommendationRule.DAILY_REWARD: "Today's daily reward is not claimed yet.",
        RecommendationRule.MISSION_CLAIMABLE: "A mission is completed and its reward not claimed.",
        RecommendationRule.MISSION_NEAR_COMPLETION: "A mission is at 80 % of its target or more.",
        RecommendationRule.SHOP_OFFER: "A shop product suited to the player's segment: the "
        "smallest for new, lapsing or low-engagement players, the largest for whales and "
        "VIPs, the most gold per dollar for everyone else; never one the player's purchase "
        "limits would refuse.",
    },
)


@presents(recommendations.Recommendation)
@strawberry.type(
    description="A suggestion of what to do next. Its id stays the same while it applies "
    "(send feedback with it); none is made during a cool-off or self-exclusion."
)
class Recommendation:
    id: str = strawberry.field(description="The suggestion's id, for recommendationFeedback.")
    rule: RecommendationRuleEnum = strawberry.field(  # type: ignore[valid-type]
        description="Why it is made."
    )
    title: str = strawberry.field(description="A short heading for a person.")
    body: str = strawberry.field(description="A sentence for a person.")
    mission_id: strawberry.ID | None = reference(
        NodeKind.MISSION,
        "mission_id",
        description="The mission it is about (a Mission's global id), for the mission rules.",
    )
    product_sku: str | None = strawberry.field(
        description="The product it offers (Product.sku), for SHOP_OFFER; null otherwise."
    )


@strawberry.input(description="The player's verdict on a suggestion they were shown.")
class RecommendationFeedbackInput:
    recommendation_id: str = strawberry.field(description="Recommendation.id, as shown.")
    useful: bool = strawberry.field(description="Whether the suggestion helped.")


@presents(recommendations.FeedbackRecorded)
@strawberry.type(description="The verdict is recorded (a later one replaces it).")
class RecommendationFeedbackRecorded:
    recommendation_id: str = strawberry.field(description="The suggestion's id.")
    useful: bool = strawberry.field(description="The verdict recorded.")


@presents(recommendations.RecommendationNotFound, described=True)
@strawberry.type
class RecommendationNotFound(UserError):
    pass


RecommendationFeedbackResult = Annotated[
    RecommendationFeedbackRecorded | RecommendationNotFound,
    strawberry.union(
        "RecommendationFeedbackResult",
        description="recommendationFeedback's answer.",
    ),
]


@presents(recommendations.RuleReport)
@strawberry.type(description="How players took one rule's suggestions.")
class RecommendationRuleReport:
    rule: RecommendationRuleEnum = strawberry.field(  # type: ignore[valid-type]
        description="The rule."
    )
    shown: int = strawberry.field(
        description="Suggestions shown to their player (each counted once per player)."
    )
    useful: int = strawberry.field(description="Verdicts that it helped.")
    not_useful: int = strawberry.field(description="Verdicts that it did not.")
    click_through_percent: float = strawberry.field(
        description="useful per shown, in percent (0 when none was shown)."
    )
