"""A player's statistics (SPEC §9.1) and the experience play earns (§8.2).

Play earns 1 XP per 100 gold staked, counted per game: a game's XP is its total stake
divided by 100, rounded down, so ten 10-gold spins earn 1 XP as one 100-gold spin does.
Keeping it per game lets each play add to one row (its game's totals) without touching
the player's row, which purchases and check-ins lock.
"""

from __future__ import annotations

from dataclasses import dataclass

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
