"""Suggestions shown to players and their verdicts (domain/recommendations.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.domain.recommendations import Recommendation, RecommendationRule, RuleReport
from casino_club.persistence.database import insert_for
from casino_club.persistence.models import RecommendationShown


async def mark_shown(
    session: AsyncSession, user_id: int, shown: Sequence[Recommendation], now: datetime
) -> None:
    """Count each suggestion once per player, the first time it is shown (one statement)."""
    if not shown:
        return
    await session.execute(
        insert_for(session, RecommendationShown)
        .values(
            [
                {
                    "user_id": user_id,
                    "recommendation_id": recommendation.id,
                    "rule": recommendation.rule.value,
                    "shown_at": now,
                }
                for recommendation in shown
            ]
        )
        .on_conflict_do_nothing(index_elements=["user_id", "recommendation_id"])
    )


async def give_feedback(
    session: AsyncSession, user_id: int, recommendation_id: str, useful: bool, now: datetime
) -> bool:
    """Record the verdict on a suggestion shown to the player; False if none was."""
    result = await session.execute(
        update(RecommendationShown)
        .where(
            RecommendationShown.user_id == user_id,
            RecommendationShown.recommendation_id == recommendation_id,
        )
        .values(useful=useful, feedback_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def report(session: AsyncSession) -> list[RuleReport]:
    """Per rule: suggestions shown, and the verdicts given (every rule, 0s included)."""
    useful = func.sum(case((RecommendationShown.useful.is_(True), 1), else_=0))
    not_useful = func.sum(case((RecommendationShown.useful.is_(False), 1), else_=0))
    rows = await session.execute(
        select(RecommendationShown.rule, func.count(), useful, not_useful).group_by(
            RecommendationShown.rule
        )
    )
    counted = {rule: (int(shown), int(yes or 0), int(no or 0)) for rule, shown, yes, no in rows}
    return [RuleReport(rule, *counted.get(rule.value, (0, 0, 0))) for rule in RecommendationRule]
