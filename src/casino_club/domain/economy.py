"""The operator's view of the economy (SPEC §11): gold issued and sunk per game day and
ledger reason, and each game's realised return beside the published one.

Issued gold is every credit to a wallet (wins, bonuses, purchases, grants), sunk gold
every debit (stakes, pulls, refunds taken back); their difference is how much gold the
players' wallets grew by. Pure: `persistence/economy.py` feeds ledger rows in and
stores the totals.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

from casino_club.domain.days import game_day
from casino_club.domain.games import Game
from casino_club.domain.ledger import PLAY_REASONS, LedgerReason

MAX_REPORT_DAYS = 92  # a quarter: one request reads at most this many days of totals


@dataclass(frozen=True, slots=True)
class Flow:
    """One ledger reason's gold on one game day."""

    issued: int = 0
    sunk: int = 0
    movements: int = 0

    def __add__(self, other: Flow) -> Flow:
        return Flow(
            self.issued + other.issued, self.sunk + other.sunk, self.movements + other.movements
        )


Movement = tuple[int, str, datetime]  # a ledger row: amount, reason, when


def tally(rows: Iterable[Movement], zone: ZoneInfo) -> dict[tuple[date, str], Flow]:
    """Ledger rows summed per game day and reason."""
    totals: dict[tuple[date, str], Flow] = {}
    for amount, reason, at in rows:
        key = (game_day(at, zone), reason)
        flow = Flow(issued=max(amount, 0), sunk=max(-amount, 0), movements=1)
        totals[key] = totals.get(key, Flow()) + flow
    return totals


@dataclass(frozen=True, slots=True)
class GameReturn:
    """What a game took and paid over some days. `paid_plays` counts plays that cost
    gold; a free play's prize (the day's wheel spin) is paid without a stake, so a game
    with free plays returns more than its stakes alone would."""

    game: Game
    paid_plays: int
    staked: int
    paid: int
    # The return the game's config publishes; None for games that pay items rather
    # than a return on the stake (gacha, the wheel).
    published_rtp: float | None = None

    @property
    def realised(self) -> Fraction | None:
        """Paid over staked; None before anything was staked."""
        return Fraction(self.paid, self.staked) if self.staked else None

    @property
    def realised_rtp(self) -> float | None:
        realised = self.realised
        return None if realised is None else float(realised)


def game_returns(
    flows: Mapping[str, Flow], published: Mapping[Game, float] | None = None
) -> list[GameReturn]:
    """Each game's return, from its cost and payout reasons' flows over the period,
    beside the return it publishes (`published`, where it has one)."""
    published = published or {}
    returns = []
    for game, reasons in PLAY_REASONS.items():
        cost, payout = flows.get(reasons.cost, Flow()), flows.get(reasons.payout, Flow())
        # A cost row can be a credit too (none today) and a payout row a debit: net them.
        staked = cost.sunk - cost.issued
        paid = payout.issued - payout.sunk
        returns.append(GameReturn(game, cost.movements, staked, paid, published.get(game)))
    return returns


@dataclass(frozen=True, slots=True)
class ReasonFlow:
    """One ledger reason's gold on one game day: credited (`issued`) and debited
    (`sunk`), over `movements` ledger rows."""

    reason: LedgerReason
    issued: int
    sunk: int
    movements: int


@dataclass(frozen=True, slots=True)
class EconomyDay:
    """Gold issued and sunk on one game day; `reasons` only those that moved gold."""

    day: date
    issued: int
    sunk: int
    reasons: tuple[ReasonFlow, ...]

    @property
    def net(self) -> int:
        """How much wallets grew by."""
        return self.issued - self.sunk


@dataclass(frozen=True, slots=True)
class Inflation:
    """The inflation alarm: gold issued minus gold sunk over the last INFLATION_DAYS game
    days (today included), as a share of the gold in circulation (every wallet now);
    `alarm` above `threshold_percent` (ECONOMY_INFLATION_ALARM_PERCENT). With nothing in
    circulation, any net issue is the alarm."""

    issued: int
    sunk: int
    circulation: int
    threshold_percent: float

    @property
    def net(self) -> int:
        return self.issued - self.sunk

    @property
    def percent(self) -> float:
        if not self.circulation:
            return 0.0
        return round(100 * self.net / self.circulation, 2)

    @property
    def alarm(self) -> bool:
        if not self.circulation:
            return self.net > 0
        return self.percent > self.threshold_percent


INFLATION_DAYS = 7


@dataclass(frozen=True, slots=True)
class EconomyReport:
    """The economy over a range of game days: every day of it, in order. Every movement
    before `complete_as_of` is counted; None before the first rollup."""

    first_day: date
    last_day: date
    time_zone: str
    complete_as_of: datetime | None
    issued: int
    sunk: int
    days: tuple[EconomyDay, ...]
    games: tuple[GameReturn, ...]
    inflation: Inflation


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def report_range_problem(first: date, last: date) -> str | None:
    """Why a report cannot cover first..last (inclusive), if it cannot."""
    if last < first:
        return "to must not be before from"
    if (last - first).days + 1 > MAX_REPORT_DAYS:
        return f"a report covers at most {MAX_REPORT_DAYS} days"
    return None
