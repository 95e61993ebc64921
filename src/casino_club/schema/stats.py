"""A player's statistics (SPEC §9.1)."""

from __future__ import annotations

import strawberry

from casino_club.domain import stats
from casino_club.schema.fairness import GameEnum
from casino_club.schema.gacha import RarityCount
from casino_club.schema.outcomes import presents
from casino_club.schema.scalars import Gold


@presents(stats.GameTotals)
@strawberry.type(description="Totals of one game, or of all games together (game: null).")
class GameTotals:
    game: GameEnum | None  # type: ignore[valid-type]
    plays: int
    wins: int = strawberry.field(description="Plays that paid more than their stake.")
    losses: int = strawberry.field(description="Plays that paid less than their stake.")
    staked: Gold
    paid: Gold
    net: Gold = strawberry.field(description="Paid minus staked.")
    biggest_win: Gold = strawberry.field(description="The largest payout of one play.")
    best_multiplier: float | None = strawberry.field(
        description="Crash: the best cash-out multiplier; null for other games and the total."
    )


@presents(stats.PlayerStatistics)
@strawberry.type(description="Play statistics, kept up to date by every play.")
class PlayerStatistics:
    total: GameTotals
    games: list[GameTotals] = strawberry.field(description="Every game, played or not.")
    gacha_by_rarity: list[RarityCount]
