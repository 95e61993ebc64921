"""A player's statistics (SPEC §9.1) and the experience play earns (§8.2).

Play earns 1 XP per 100 gold staked, counted per game: a game's XP is its total stake
divided by 100, rounded down, so ten 10-gold spins earn 1 XP as one 100-gold spin does.
Keeping it per game lets each play add to one row (its game's totals) without touching
the player's row, which purchases and check-ins lock.
"""

from __future__ import annotations

from dataclasses import dataclass

from casino_club.domain.gacha import RarityCount
from casino_club.domain.games import Game

GOLD_PER_XP = 100


@dataclass(frozen=True, slots=True)
class PlayTotals:
    """What one finished play adds to its game's totals."""

    stake: int
    payout: int
    multiplier: int | None = None  # crash: the cash-out multiplier, in hundredths

    @property
    def win(self) -> int:
        return int(self.payout > self.stake)

    @property
    def loss(self) -> int:
        return int(self.payout < self.stake)


def play_xp(staked: int) -> int:
    """The XP a game's total stake has earned."""
    return staked // GOLD_PER_XP


def xp_for(staked_before: int, stake: int) -> int:
    """The XP one stake earns, after `staked_before` in the same game."""
    return play_xp(staked_before + stake) - play_xp(staked_before)


@dataclass(frozen=True, slots=True)
class GameTotals:
    """Totals of one game, or of all games together (`game` None). `best_multiplier`:
    crash's best cash-out; None for other games and the total."""

    game: Game | None
    plays: int
    wins: int  # plays that paid more than their stake
    losses: int  # plays that paid less than their stake
    staked: int
    paid: int
    biggest_win: int  # the largest payout of one play
    best_multiplier: float | None

    @property
    def net(self) -> int:
        return self.paid - self.staked


@dataclass(frozen=True, slots=True)
class PlayerStatistics:
    """Play statistics, kept up to date by every play: every game, played or not."""

    total: GameTotals
    games: tuple[GameTotals, ...]
    gacha_by_rarity: tuple[RarityCount, ...]
