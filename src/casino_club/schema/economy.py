"""The operators' economy report (SPEC §11): gold issued and sunk per game day and
ledger reason, and each game's realised return beside the published one."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from casino_club.domain import economy
from casino_club.schema.fairness import GameEnum
from casino_club.schema.outcomes import presents
from casino_club.schema.scalars import Gold
from casino_club.schema.wallet import LedgerReasonEnum


@presents(economy.ReasonFlow)
@strawberry.type(description="One ledger reason's gold on one game day.")
class ReasonFlow:
    reason: LedgerReasonEnum = strawberry.field(  # type: ignore[valid-type]
        description="The ledger reason."
    )
    issued: Gold = strawberry.field(description="Credited to wallets.")
    sunk: Gold = strawberry.field(description="Debited from wallets.")
    movements: int = strawberry.field(description="Ledger rows.")


@presents(economy.EconomyDay)
@strawberry.type(description="Gold issued and sunk on one game day (GAME_TIMEZONE).")
class EconomyDay:
    day: date = strawberry.field(description="The game day.")
    issued: Gold = strawberry.field(description="Gold credited to wallets that day.")
    sunk: Gold = strawberry.field(description="Gold debited from wallets that day.")
    net: Gold = strawberry.field(description="Issued minus sunk: how much wallets grew by.")
    reasons: list[ReasonFlow] = strawberry.field(description="Only reasons that moved gold.")


@presents(economy.GameReturn)
@strawberry.type(description="What a game took and paid over the report's days.")
class GameReturn:
    game: GameEnum = strawberry.field(description="The game.")  # type: ignore[valid-type]
    paid_plays: int = strawberry.field(description="Plays that cost gold.")
    staked: Gold = strawberry.field(description="Gold staked (or paid to play) over the range.")
    paid: Gold = strawberry.field(
        description="Every prize paid, a free play's (the day's wheel spin) included."
    )
    realised_rtp: float | None = strawberry.field(
        description="paid / staked; null when nothing was staked."
    )
    published_rtp: float | None = strawberry.field(
        description="The return the game's config publishes; null for games that pay "
        "items rather than a return on the stake (gacha, the wheel)."
    )


@presents(economy.Inflation)
@strawberry.type(
    description="The inflation alarm: gold issued minus sunk over the last 7 game days "
    "(today included, as rolled up), as a share of the gold in every wallet now."
)
class Inflation:
    issued: Gold = strawberry.field(description="Gold credited over the 7 days.")
    sunk: Gold = strawberry.field(description="Gold debited over the 7 days.")
    net: Gold = strawberry.field(description="issued − sunk (negative: the economy shrank).")
    circulation: Gold = strawberry.field(description="The gold in every wallet now.")
    percent: float = strawberry.field(description="net as a % of circulation.")
    threshold_percent: float = strawberry.field(
        description="ECONOMY_INFLATION_ALARM_PERCENT: above it, `alarm`."
    )
    alarm: bool = strawberry.field(
        description="True above the threshold (also exported as the Prometheus gauge "
        "economy_inflation_alarm); with nothing in circulation, any net issue."
    )


@presents(economy.EconomyReport)
@strawberry.type(description="The economy over a range of game days.")
class EconomyReport:
    first_day: date = strawberry.field(description="The first game day of the range.")
    last_day: date = strawberry.field(description="The last game day of the range (inclusive).")
    time_zone: str = strawberry.field(
        description="GAME_TIMEZONE, the zone of the game days (an IANA name, e.g. UTC)."
    )
    complete_as_of: datetime | None = strawberry.field(
        description="Every movement before this instant is counted (totals are rolled up "
        "from the ledger every ECONOMY_ROLLUP_INTERVAL_SECONDS); null before the first rollup."
    )
    issued: Gold = strawberry.field(description="Gold credited over the range.")
    sunk: Gold = strawberry.field(description="Gold debited over the range.")
    days: list[EconomyDay] = strawberry.field(description="Every day of the range, in order.")
    games: list[GameReturn] = strawberry.field(
        description="Every game's realised and published return over the range."
    )
    inflation: Inflation = strawberry.field(
        description="The inflation alarm as of now (whatever the range): the last 7 game "
        "days' net issue against the gold in circulation."
    )
