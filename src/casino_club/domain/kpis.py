"""The business's key figures per game day, and the shop funnel: the definitions.

- A player is **active** on a game day when they played a game, logged in or their
  client recorded activity that day. DAU counts them; WAU and MAU count the players
  active on any of the 7 and 30 game days ending that day.
- **New players** signed up that day; **payers** had a purchase succeed that day;
  **first-time payers** had their first ever purchase succeed that day.
- **Revenue** is money, per currency, in minor units: purchases that succeeded that day,
  minus refunds made that day (so a past day's figure never changes when a refund comes
  later: the refund is the later day's). ARPDAU is net revenue per active player,
  ARPPU per payer, conversion is payers per active player.
- **Retention** of a sign-up day d: the share of the players who signed up on d who
  were active on d+1 (D1), d+7 (D7) and d+30 (D30); null while that day is still to come.
- Operators' accounts are never counted.
- The **funnel** of a day: players who opened the shop, who pressed buy, and whose
  purchase succeeded, each a distinct count of players (clients report the first two).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

RETENTION_DAYS = (1, 7, 30)
WEEK_DAYS = 7
MONTH_DAYS = 30
MAX_REPORT_DAYS = 366


@dataclass(frozen=True, slots=True)
class Revenue:
    """One currency's money on a day, in minor units (cents)."""

    currency: str
    gross: int
    refunded: int

    @property
    def net(self) -> int:
        return self.gross - self.refunded


@dataclass(frozen=True, slots=True)
class KpiDay:
    """One game day's figures (see the module's definitions)."""

    day: date
    dau: int
    wau: int
    mau: int
    new_players: int
    payers: int
    first_time_payers: int
    revenue: tuple[Revenue, ...]

    @property
    def conversion_percent(self) -> float:
        return _percent(self.payers, self.dau)

    @property
    def money(self) -> tuple[MoneyFigures, ...]:
        """Each currency's revenue with its ARPDAU and ARPPU."""
        return tuple(
            MoneyFigures(
                day=self.day,
                currency=revenue.currency,
                gross=revenue.gross,
                refunded=revenue.refunded,
                net=revenue.net,
                arpdau=round(revenue.net / self.dau, 2) if self.dau else 0.0,
                arppu=round(revenue.net / self.payers, 2) if self.payers else 0.0,
            )
            for revenue in self.revenue
        )


@dataclass(frozen=True, slots=True)
class MoneyFigures:
    """One currency's money on a day, in minor units: net = gross − refunded; ARPDAU is
    net per active player, ARPPU net per payer."""

    day: date
    currency: str
    gross: int
    refunded: int
    net: int
    arpdau: float
    arppu: float


@dataclass(frozen=True, slots=True)
class Cohort:
    """The players who signed up on one day, and the share active N days later."""

    day: date
    size: int
    retained: tuple[int | None, ...]  # per RETENTION_DAYS; None: that day is yet to come

    def percent(self, index: int) -> float | None:
        kept = self.retained[index]
        return None if kept is None else _percent(kept, self.size)

    @property
    def d1(self) -> float | None:
        return self.percent(0)

    @property
    def d7(self) -> float | None:
        return self.percent(1)

    @property
    def d30(self) -> float | None:
        return self.percent(2)


@dataclass(frozen=True, slots=True)
class FunnelDay:
    day: date
    shop_opened: int
    buy_clicked: int
    purchased: int


@dataclass(frozen=True, slots=True)
class KpiReport:
    days: tuple[KpiDay, ...]
    money: tuple[MoneyFigures, ...]  # per day and currency
    cohorts: tuple[Cohort, ...]
    funnel: tuple[FunnelDay, ...]
    complete_through: date | None  # the last day the rollup has written


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 2) if whole else 0.0


def report_range_problem(first: date, last: date) -> str | None:
    """Why a report cannot cover first..last (inclusive), if it cannot."""
    if last < first:
        return "lastDay must not be before firstDay"
    if (last - first).days + 1 > MAX_REPORT_DAYS:
        return f"a report covers at most {MAX_REPORT_DAYS} days"
    return None
