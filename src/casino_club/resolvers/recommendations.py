"""Suggestions for a player (domain/recommendations.py) from where they stand now, the
player's verdicts on them, and operators' click-through per rule."""

from __future__ import annotations

from casino_club.context import Context, Viewer
from casino_club.domain.accounts import Rank
from casino_club.domain.days import game_day
from casino_club.domain.limits import break_in_force
from casino_club.domain.recommendations import (
    FeedbackRecorded,
    Offerable,
    PlayerSegmentsNow,
    PlayerSituation,
    Recommendation,
    RecommendationNotFound,
    RuleReport,
    recommend,
    segments_before_a_run,
)
from casino_club.domain.segments import Segment
from casino_club.domain.shop import may_buy, price_at, usd_cents
from casino_club.persistence import checkins, products, recommendations, segments, users
from casino_club.resolvers import missions
from casino_club.resolvers.purchase_checks import purchase_rooms, spend_rates
from casino_club.services import Services


async def for_player(services: Services, user_id: int, *, shown: bool) -> list[Recommendation]:
    """The player's suggestions now; `shown` (the player reads them, not an operator):
    each is counted as shown, once, for click-through."""
    now = services.clock.now()
    today = game_day(now, services.settings.zone)
    progress = await missions.of_player(services, user_id)
    async with services.sessionmaker() as session:
        user = await users.by_id(session, user_id)
        last_day, _ = await checkins.streak_of(session, user_id)
        if user is None or break_in_force(user.excluded_until, now) is not None:
            return []
        segmented = (await segments.of_players(session, [user_id])).get(user_id)
        on_sale = await products.active(session)
        rooms = await purchase_rooms(services, session, user_id, now)
    if segmented is not None:
        standing: PlayerSegmentsNow | None = PlayerSegmentsNow(
            Segment(segmented.lifecycle), Segment(segmented.rfm_segment)
        )
    else:
        standing = segments_before_a_run(game_day(user.created_at, services.settings.zone), today)
    rates = spend_rates(services)
    rank = Rank(user.rank)
    found = recommend(
        PlayerSituation(
            excluded=False,
            today=today,
            daily_claimed_today=last_day == today,
            missions=progress,
            segments=standing,
            offerable=[
                Offerable(p, usd_cents(price_at(p, now), p.currency, rates))
                for p in on_sale
                if may_buy(rank, p)
            ],
            purchase_room_usd_cents=min((r.left for r in rooms), default=None),
        )
    )
    if shown and found:
        async with services.unit_of_work() as uow:
            await recommendations.mark_shown(uow.session, user_id, found, now)
            await uow.commit()
    return found


async def feedback(
    context: Context, viewer: Viewer, recommendation_id: str, useful: bool
) -> FeedbackRecorded | RecommendationNotFound:
    """The player's verdict on a suggestion they were shown; the latest counts."""
    services = context.services
    async with services.unit_of_work() as uow:
        found = await recommendations.give_feedback(
            uow.session, viewer.id, recommendation_id[:96], useful, services.clock.now()
        )
        await uow.commit()
    if not found:
        return RecommendationNotFound()
    return FeedbackRecorded(recommendation_id=recommendation_id, useful=useful)


async def report(services: Services) -> list[RuleReport]:
    async with services.sessionmaker() as session:
        return await recommendations.report(session)
