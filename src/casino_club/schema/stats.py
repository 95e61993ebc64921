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
    game: GameEnum | None = strawberry.field(  # type: ignore[valid-type]
        description="The game; null for the total of all games."
    )
    plays: int = strawberry.field(description="Settled plays.")
    wins: int = strawberry.field(description="Plays that paid more than their stake.")
    losses: int = strawberry.field(description="Plays that paid less than their stake.")
    staked: Gold = strawberry.field(description="Gold staked.")
    paid: Gold = strawberry.field(description="Gold paid out, stakes included.")
    net: Gold = strawberry.field(description="Paid minus staked.")
    biggest_win: Gold = strawberry.field(description="The largest payout of one play.")
    best_multiplier: float | None = strawberry.field(
        description="Crash: the best cash-out multiplier; null for other games and the total."
    )


@presents(stats.PlayerStatistics)
@strawberry.type(description="Play statistics, kept up to date by every play.")
class PlayerStatistics:
    total: GameTotals = strawberry.field(description="Every game together (game: null).")
    games: list[GameTotals] = strawberry.field(description="Every game, played or not.")
    gacha_by_rarity: list[RarityCount] = strawberry.field(
        description="Gacha items pulled, by rarity."
    )
