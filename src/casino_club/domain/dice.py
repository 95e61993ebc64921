"""Dice (SPEC §6.6): roll r = floor(X · 10000) in hundredths (0.00–99.99).

The player picks a win chance c (1.00–95.00 in steps of 0.01, held here as hundredths
100…9500) and a direction: UNDER wins when r < c, OVER wins when r ≥ 10000 − c — exactly
c of the 10,000 equally likely rolls either way. A win pays floor(stake · 99 / c%), a 1%
house edge: RTP = (c/100) · (99/c) = 99% before rounding down to whole gold.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from casino_club.domain.fairness import FairnessProof, uniform_index
from casino_club.domain.hundredths import parse_hundredths

ROLLS = 10_000
MIN_CHANCE = 100
MAX_CHANCE = 9_500
RETURN_PERCENT = 99


class Direction(StrEnum):
    UNDER = "UNDER"
    OVER = "OVER"


@dataclass(frozen=True, slots=True)
class DiceRoll:
    roll: int
    chance: int
    direction: Direction
    won: bool
    payout: int


def parse_chance(text: str) -> int | None:
    """'49.5' → 4950 hundredths; None unless it is 1.00–95.00 with at most 2 decimals."""
    chance = parse_hundredths(text)
    return chance if chance is not None and MIN_CHANCE <= chance <= MAX_CHANCE else None


def roll_from(u: int) -> int:
    return uniform_index(u, ROLLS)


def wins(roll: int, chance: int, direction: Direction) -> bool:
    if direction is Direction.UNDER:
        return roll < chance
    return roll >= ROLLS - chance


def win_payout(stake: int, chance: int) -> int:
    """floor(stake · 99 / (chance / 100)) with chance in hundredths."""
    return stake * RETURN_PERCENT * 100 // chance


def play(stake: int, chance: int, direction: Direction, u: int) -> DiceRoll:
    roll = roll_from(u)
    won = wins(roll, chance, direction)
    return DiceRoll(
        roll=roll,
        chance=chance,
        direction=direction,
        won=won,
        payout=win_payout(stake, chance) if won else 0,
    )


def exact_rtp(stake: int, chance: int) -> Fraction:
    """The exact return of one bet, rounding included (same for both directions)."""
    return Fraction(chance, ROLLS) * Fraction(win_payout(stake, chance), stake)


@dataclass(frozen=True, slots=True)
class DiceRollSuccess:
    """A settled roll as the player sees it, and as a retry with its key replays it."""

    round_id: int
    roll: float  # 0.00–99.99
    chance: float  # in percent
    direction: Direction
    won: bool
    stake: int
    payout: int
    balance: int
    fairness: FairnessProof
    replayed: bool = False


@dataclass(frozen=True, slots=True)
class DiceConfig:
    """The published rules: chances in percent, the return before rounding down."""

    min_chance: float
    max_chance: float
    chance_step: float
    return_percent: int
    house_edge_percent: int
    rtp: float
    min_stake: int
    max_stake: int
