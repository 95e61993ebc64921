"""The daily check-in (SPEC §8.1): claim today's reward, read a month's attendance."""

from __future__ import annotations

import calendar
from datetime import date

from casino_club.context import Context, Viewer
from casino_club.domain.accounts import Role, level_for_xp, level_reached
from casino_club.domain.checkin import (
    AlreadyClaimed,
    Attendance,
    CheckInDay,
    DailyRewardClaimed,
    check_in,
)
from casino_club.domain.days import game_day, next_day_start
from casino_club.domain.errors import BadUserInput
from casino_club.domain.games import GameEventType
from casino_club.domain.ledger import LedgerReason, Movement
from casino_club.domain.missions import CHECKIN_COUNTS, periods_at
from casino_club.domain.progression import Progression
from casino_club.domain.refusals import PlayerExcluded
from casino_club.persistence import checkins, gacha, missions, player_stats, users, wallet
from casino_club.persistence.driver import SessionStatements
from casino_club.resolvers import leaderboard_feed
from casino_club.resolvers.live import (
    balance_events,
    game_event,
    progression_events,
    publish_after_commit,
)
from casino_club.services import Services

FIRST_YEAR, LAST_YEAR = 2000, 2999


async def claim_daily_reward(
    context: Context, viewer: Viewer
) -> DailyRewardClaimed | AlreadyClaimed | PlayerExcluded:
    """Once per game day; the player's claims queue on their user row, and the day's
    row is the backstop (its primary key)."""
    services = context.services
    now = services.clock.now()
    until = viewer.user.excluded_at(now)
    if until is not None:  # a reward to come back for is an offer: none during a break
        return PlayerExcluded(until)
    zone = services.settings.zone
    today = game_day(now, zone)
    async with services.unit_of_work() as uow:
        session = uow.session
        await users.lock(session, viewer.id)
        last_day, streak = await checkins.streak_of(session, viewer.id)
        if last_day == today:
            return AlreadyClaimed(next_day_start(now, zone))
        held = await gacha.held(session, viewer.id, gacha.STREAK_PROTECTION)
        claim = check_in(last_day, streak, today, held)
        if claim.protections_used:
            used = await gacha.consume(
                SessionStatements(session),
                viewer.id,
                gacha.STREAK_PROTECTION,
                now,
                count=claim.protections_used,
            )
            assert used, "the user row lock keeps what was counted"
        await checkins.record(session, viewer.id, today, claim, now)
        posted = await wallet.move_gold(
            session,
            user_id=viewer.id,
            movements=[Movement(claim.gold, LedgerReason.DAILY_REWARD, f"checkin:{today}")],
            now=now,
        )
        advanced = await missions.advance(
            session, viewer.id, CHECKIN_COUNTS, periods_at(now, zone), now
        )
        await users.add_xp(session, viewer.id, claim.xp)
        xp = await player_stats.xp_of(session, viewer.id)
        data = {"day": today.isoformat(), "streak": claim.streak, "gold": claim.gold}
        progression = Progression(level_reached(xp - claim.xp, xp), advanced, xp)
        events = [
            *balance_events(posted, now),
            game_event(GameEventType.DAILY_CHECKIN, round_id=None, data=data, at=now),
            *progression_events(progression, now),
        ]
        publish_after_commit(services, uow, viewer.id, events)
        operator = viewer.role is Role.ADMIN
        uow.after_commit(
            lambda: leaderboard_feed.feed(services, viewer.id, xp=xp, operator=operator)
        )
        await uow.commit()
    return DailyRewardClaimed(
        day=today,
        streak=claim.streak,
        gold=claim.gold,
        xp=claim.xp,
        protections_used=claim.protections_used,
        balance=posted[-1].balance_after,
        level=level_for_xp(xp),
    )


async def attendance(services: Services, user_id: int, year: int, month: int) -> Attendance:
    if not FIRST_YEAR <= year <= LAST_YEAR or not 1 <= month <= 12:
        raise BadUserInput(f"year must be {FIRST_YEAR}-{LAST_YEAR} and month 1-12")
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    async with services.sessionmaker() as session:
        rows = await checkins.between(session, user_id, first, last)
    days = tuple(
        CheckInDay(
            day=row.day,
            streak=row.streak,
            gold=row.gold,
            xp=row.xp,
            protections_used=row.protections_used,
        )
        for row in rows
    )
    return Attendance(year=year, month=month, days=days)
