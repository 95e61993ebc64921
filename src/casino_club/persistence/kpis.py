"""The key figures' rollup (domain/kpis.py): each game day's figures computed from the
raw rows of that day (plays, logins, clients' activity, sign-ups, purchases, refunds)
into `kpi_days` and `kpi_revenue`, with the day's active players kept in `active_days`
for the rolling windows and retention. A day is a handful of aggregate statements,
whatever the number of players, each reading its day through an index.

Recomputing a day replaces its figures, so the job may run on several instances at
once, and again, without counting anything twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Select,
    SQLColumnExpression,
    and_,
    delete,
    func,
    literal,
    select,
    true,
    union,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.domain.accounts import Role
from casino_club.domain.activity import ActivityType
from casino_club.domain.days import midnight
from casino_club.domain.kpis import (
    MONTH_DAYS,
    RETENTION_DAYS,
    WEEK_DAYS,
    Cohort,
    FunnelDay,
    KpiDay,
    Revenue,
)
from casino_club.domain.payments import PurchaseStatus
from casino_club.persistence.database import insert_for
from casino_club.persistence.models import (
    ActiveDay,
    ActivityEvent,
    GameRound,
    KpiRevenue,
    LoginAttempt,
    Purchase,
    User,
)
from casino_club.persistence.models import KpiDay as KpiDayRow

RETAINED = ("retained_d1", "retained_d7", "retained_d30")  # per RETENTION_DAYS
# A purchase that took the player's money (a refund later does not undo that it did).
CHARGED = (
    PurchaseStatus.SUCCEEDED.value,
    PurchaseStatus.REFUND_PENDING.value,
    PurchaseStatus.REFUNDED.value,
)


def _players() -> ColumnElement[bool]:
    """A row of `users` that is not an operator's (operators are never counted); a row
    naming a player by id is filtered by `_not_operator`."""
    return User.role != Role.ADMIN.value


def _not_operator(user_id: SQLColumnExpression[int]) -> ColumnElement[bool]:
    """The row is not an operator's (operators are few: the subquery is small)."""
    return user_id.not_in(select(User.id).where(User.role == Role.ADMIN.value))


def _within(
    column: SQLColumnExpression[Any], start: datetime, end: datetime
) -> ColumnElement[bool]:
    return and_(column >= start, column < end)


def _active_in(start: datetime, end: datetime) -> Select[tuple[int]]:
    """Who was active in [start, end): played, logged in, or recorded activity."""
    played = select(GameRound.user_id).where(_within(GameRound.created_at, start, end))
    logged_in = select(LoginAttempt.user_id).where(
        _within(LoginAttempt.created_at, start, end),
        LoginAttempt.success.is_(True),
        LoginAttempt.user_id.is_not(None),
    )
    recorded = select(ActivityEvent.user_id).where(_within(ActivityEvent.recorded_at, start, end))
    anyone = union(played, logged_in, recorded).subquery()
    return select(anyone.c.user_id).where(_not_operator(anyone.c.user_id)).distinct()


async def compute_day(session: AsyncSession, day: date, zone: ZoneInfo, now: datetime) -> None:
    """Write `day`'s figures (replacing any), in the caller's transaction."""
    start, end = midnight(day, zone), midnight(day + timedelta(days=1), zone)
    active = _active_in(start, end).subquery()
    await session.execute(
        insert_for(session, ActiveDay)
        # WHERE true: SQLite reads an upsert's ON after a bare FROM as a join's.
        .from_select(["user_id", "day"], select(active.c.user_id, literal(day)).where(true()))
        .on_conflict_do_nothing(index_elements=["user_id", "day"])
    )

    async def active_over(days: int) -> int:
        first = day - timedelta(days=days - 1)
        return int(
            await session.scalar(
                select(func.count(func.distinct(ActiveDay.user_id))).where(
                    ActiveDay.day >= first, ActiveDay.day <= day
                )
            )
            or 0
        )

    charged_today = and_(
        Purchase.status.in_(CHARGED),
        _within(Purchase.settled_at, start, end),
        _not_operator(Purchase.user_id),
    )
    payers = await session.scalar(
        select(func.count(func.distinct(Purchase.user_id))).where(charged_today)
    )
    firsts = (
        select(Purchase.user_id)
        .where(Purchase.status.in_(CHARGED), _not_operator(Purchase.user_id))
        .group_by(Purchase.user_id)
        .having(_within(func.min(Purchase.settled_at), start, end))
        .subquery()
    )
    first_time_payers = await session.scalar(select(func.count()).select_from(firsts))

    async def clicked(kind: ActivityType) -> int:
        return int(
            await session.scalar(
                select(func.count(func.distinct(ActivityEvent.user_id))).where(
                    ActivityEvent.event_type == kind.value,
                    _within(ActivityEvent.recorded_at, start, end),
                    _not_operator(ActivityEvent.user_id),
                )
            )
            or 0
        )

    signed_up = select(User.id).where(_within(User.created_at, start, end), _players())
    figures = {
        "new_players": int(
            await session.scalar(select(func.count()).select_from(signed_up.subquery())) or 0
        ),
        "dau": await active_over(1),
        "wau": await active_over(WEEK_DAYS),
        "mau": await active_over(MONTH_DAYS),
        "payers": int(payers or 0),
        "first_time_payers": int(first_time_payers or 0),
        "shop_opened": await clicked(ActivityType.SHOP_OPENED),
        "buy_clicked": await clicked(ActivityType.BUY_CLICKED),
        "computed_at": now,
    }
    row = insert_for(session, KpiDayRow).values(day=day, **figures)
    await session.execute(
        row.on_conflict_do_update(
            index_elements=["day"], set_={name: getattr(row.excluded, name) for name in figures}
        )
    )
    await _retention_at(session, day, zone)
    gross = dict(
        (
            await session.execute(
                select(Purchase.currency, func.sum(Purchase.amount_cents))
                .where(charged_today)
                .group_by(Purchase.currency)
            )
        ).all()
    )
    refunded = dict(
        (
            await session.execute(
                select(Purchase.currency, func.sum(Purchase.amount_cents))
                .where(
                    Purchase.status == PurchaseStatus.REFUNDED.value,
                    _within(Purchase.refunded_at, start, end),
                    _not_operator(Purchase.user_id),
                )
                .group_by(Purchase.currency)
            )
        ).all()
    )
    currencies = sorted(set(gross) | set(refunded))
    await session.execute(
        delete(KpiRevenue).where(KpiRevenue.day == day, KpiRevenue.currency.not_in(currencies))
    )
    for currency in currencies:
        money = insert_for(session, KpiRevenue).values(
            day=day,
            currency=currency,
            gross=int(gross.get(currency) or 0),
            refunded=int(refunded.get(currency) or 0),
        )
        await session.execute(
            money.on_conflict_do_update(
                index_elements=["day", "currency"],
                set_={"gross": money.excluded.gross, "refunded": money.excluded.refunded},
            )
        )


async def _retention_at(session: AsyncSession, day: date, zone: ZoneInfo) -> None:
    """`day` being rolled up tells the retention of the sign-up days 1, 7 and 30 before."""
    for offset, column in zip(RETENTION_DAYS, RETAINED, strict=True):
        signup_day = day - timedelta(days=offset)
        start, end = midnight(signup_day, zone), midnight(signup_day + timedelta(days=1), zone)
        signed_up = select(User.id).where(_within(User.created_at, start, end), _players())
        kept = (
            select(func.count())
            .select_from(ActiveDay)
            .where(ActiveDay.day == day, ActiveDay.user_id.in_(signed_up))
        )
        await session.execute(
            update(KpiDayRow)
            .where(KpiDayRow.day == signup_day)
            .values({column: kept.scalar_subquery()})
        )


async def last_computed(session: AsyncSession) -> date | None:
    return await session.scalar(select(func.max(KpiDayRow.day)))


async def first_day_of_play(session: AsyncSession) -> datetime | None:
    """When the first player signed up: the first day there can be figures for."""
    return await session.scalar(select(func.min(User.created_at)).where(_players()))


@dataclass(frozen=True, slots=True)
class StoredReport:
    """The rollup's rows for a range of game days, as the report reads them."""

    days: list[KpiDay]
    cohorts: list[Cohort]
    funnel: list[FunnelDay]


async def report_rows(session: AsyncSession, first: date, last: date) -> StoredReport:
    """The days' figures, cohorts and funnel from one read of the day rows and one of
    the money: plain rows, not ORM objects, since a year is hundreds of rows to answer
    in one request."""
    t = KpiDayRow.__table__.c
    rows = (
        await session.execute(
            select(
                t.day,
                t.dau,
                t.wau,
                t.mau,
                t.new_players,
                t.payers,
                t.first_time_payers,
                t.shop_opened,
                t.buy_clicked,
                t.retained_d1,
                t.retained_d7,
                t.retained_d30,
            )
            .where(t.day >= first, t.day <= last)
            .order_by(t.day)
        )
    ).all()
    r = KpiRevenue.__table__.c
    money: dict[date, list[Revenue]] = {}
    for day, currency, gross, refunded in await session.execute(
        select(r.day, r.currency, r.gross, r.refunded)
        .where(r.day >= first, r.day <= last)
        .order_by(r.day, r.currency)
    ):
        money.setdefault(day, []).append(Revenue(currency, gross, refunded))
    return StoredReport(
        days=[
            KpiDay(
                day=row.day,
                dau=row.dau,
                wau=row.wau,
                mau=row.mau,
                new_players=row.new_players,
                payers=row.payers,
                first_time_payers=row.first_time_payers,
                revenue=tuple(money.get(row.day, ())),
            )
            for row in rows
        ],
        cohorts=[
            Cohort(row.day, row.new_players, (row.retained_d1, row.retained_d7, row.retained_d30))
            for row in rows
        ],
        funnel=[FunnelDay(row.day, row.shop_opened, row.buy_clicked, row.payers) for row in rows],
    )
