"""Key-figure types: operators' kpiReport (per game day, retention cohorts, the shop
funnel), read from the rollup."""

from __future__ import annotations

from datetime import date

import strawberry

from casino_club.domain import kpis
from casino_club.schema.outcomes import presents


@presents(kpis.MoneyFigures)
@strawberry.type(description="One currency's money on a day, in its minor units (cents).")
class DayRevenue:
    day: date = strawberry.field(description="The game day.")
    currency: str = strawberry.field(description="ISO 4217 code.")
    gross: int = strawberry.field(description="Purchases that succeeded that day.")
    refunded: int = strawberry.field(description="Refunds made that day.")
    net: int = strawberry.field(description="gross − refunded.")
    arpdau: float = strawberry.field(description="net per active player (DAU).")
    arppu: float = strawberry.field(description="net per paying player that day.")


@presents(kpis.KpiDay)
@strawberry.type(description="One game day's key figures. Operators' accounts are never counted.")
class KpiDay:
    day: date = strawberry.field(description="The game day (GAME_TIMEZONE).")
    dau: int = strawberry.field(
        description="Players active that day: played, logged in or their client recorded activity."
    )
    wau: int = strawberry.field(description="Players active on any of the 7 days to this one.")
    mau: int = strawberry.field(description="Players active on any of the 30 days to this one.")
    new_players: int = strawberry.field(description="Players who signed up that day.")
    payers: int = strawberry.field(description="Players with a purchase that succeeded that day.")
    first_time_payers: int = strawberry.field(
        description="Players whose first purchase ever succeeded that day."
    )
    conversion_percent: float = strawberry.field(description="payers per active player, in %.")


@presents(kpis.Cohort)
@strawberry.type(
    description="The players who signed up on one day, and the share of them active 1, 7 "
    "and 30 days later (null while that day is still to come or not rolled up)."
)
class RetentionCohort:
    day: date = strawberry.field(description="The sign-up day.")
    size: int = strawberry.field(description="Players who signed up that day.")
    d1: float | None = strawberry.field(description="% active the next day.")
    d7: float | None = strawberry.field(description="% active 7 days on.")
    d30: float | None = strawberry.field(description="% active 30 days on.")


@presents(kpis.FunnelDay)
@strawberry.type(
    description="The shop funnel of one game day, each a count of distinct players: who "
    "opened the shop and pressed buy (as clients record them with recordActivity), and "
    "whose purchase succeeded."
)
class FunnelDay:
    day: date = strawberry.field(description="The game day.")
    shop_opened: int = strawberry.field(description="Players who opened the shop.")
    buy_clicked: int = strawberry.field(description="Players who pressed a buy button.")
    purchased: int = strawberry.field(description="Players with a purchase that succeeded.")


@presents(kpis.KpiReport)
@strawberry.type(
    description="Key figures over a range of game days, from the rollup a background job "
    "keeps (KPI_ROLLUP_INTERVAL_SECONDS): days it has not written yet are missing."
)
class KpiReport:
    days: list[KpiDay] = strawberry.field(description="Each game day written, in order.")
    money: list[DayRevenue] = strawberry.field(
        description="Revenue per game day and currency (net of the day's refunds, with ARPDAU "
        "and ARPPU), in order of day then currency; a day without money has none."
    )
    cohorts: list[RetentionCohort] = strawberry.field(
        description="Each sign-up day's retention, in order."
    )
    funnel: list[FunnelDay] = strawberry.field(description="Each day's shop funnel, in order.")
    complete_through: date | None = strawberry.field(
        description="The last game day written (today's figures grow until it ends)."
    )
