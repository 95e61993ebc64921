"""Daily check-ins (SPEC §8.1): the claims, one row per game day, and the streak kept on
the user row."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.domain.checkin import CheckIn
from casino_club.persistence.models import DailyCheckIn, User


async def streak_of(session: AsyncSession, user_id: int) -> tuple[date | None, int]:
    """The last claimed day and the streak it left."""
    row = (
        await session.execute(
            select(User.last_checkin_day, User.daily_streak).where(User.id == user_id)
        )
    ).one()
    return row[0], int(row[1])


async def record(
    session: AsyncSession, user_id: int, day: date, claim: CheckIn, now: datetime
) -> None:
    """The claim and the streak it leaves, in the caller's transaction (the primary key
    refuses a second claim of the day)."""
    session.add(
        DailyCheckIn(
            user_id=user_id,
            day=day,
            streak=claim.streak,
            gold=claim.gold,
            xp=claim.xp,
            protections_used=claim.protections_used,
            created_at=now,
        )
    )
    await session.flush()
    await session.execute(
        update(User)
        .where(User.id == user_id)
        .values(last_checkin_day=day, daily_streak=claim.streak)
    )


async def between(
    session: AsyncSession, user_id: int, first: date, last: date
) -> list[DailyCheckIn]:
    """The player's claims from first to last (inclusive), in day order."""
    rows = await session.scalars(
        select(DailyCheckIn)
        .where(DailyCheckIn.user_id == user_id, DailyCheckIn.day >= first, DailyCheckIn.day <= last)
        .order_by(DailyCheckIn.day)
    )
    return list(rows)
