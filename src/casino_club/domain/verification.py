"""Re-deriving any game's outcome from its seeds (SPEC §6.1, docs/FAIRNESS.md).

One pure function serves both `verifyRound` and `casino-club verify-fairness`, so the
API and the offline tool can never disagree about how a game reads the stream.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from casino_club.domain import crash, dice, gacha, rps, slots, wheel
from casino_club.domain.fairness import FairnessInput, take
from casino_club.domain.games import Game

GACHA_FLOATS = 10

# How many floats of the stream each game reads (a 10-pull reads the most: one per item).
FLOATS_USED: Mapping[Game, int] = {
    Game.SLOTS: slots.REELS,
    Game.RPS: 1,
    Game.DICE: 1,
    Game.GACHA: GACHA_FLOATS,
    Game.WHEEL: 1,
    Game.CRASH: 1,
}


@dataclass(frozen=True, slots=True)
class Recomputed:
    """A round recomputed from seeds: the floats read (as u, X = u / 2**32) and the one
    outcome field that belongs to `game`; the others stay None."""

    game: Game
    uints: tuple[int, ...]
    reels: tuple[slots.Symbol, ...] | None = None
    rps_server_move: rps.Move | None = None
    dice_roll: int | None = None
    gacha_rolls: tuple[gacha.Rarity, ...] | None = None
    wheel_segment: int | None = None
    crash_point: int | None = None


@dataclass(frozen=True, slots=True)
class VerifiedRound:
    """An outcome recomputed from seeds alone, as shown: the floats the game used and
    the one outcome field of `game` (multiples and rolls in units, not hundredths)."""

    game: Game
    server_seed_hash: str
    client_seed: str
    nonce: int
    floats: tuple[float, ...]
    reels: tuple[slots.Symbol, ...] | None = None
    rps_server_move: rps.Move | None = None
    gacha_rolls: tuple[gacha.Rarity, ...] | None = None
    wheel_segment: int | None = None
    dice_roll: float | None = None
    crash_point: float | None = None


def recompute(
    game: Game,
    source: FairnessInput,
    paytable: slots.Paytable = slots.DEFAULT_PAYTABLE,
    gacha_rules: gacha.GachaRules = gacha.DEFAULT_RULES,
    segments: tuple[wheel.Segment, ...] = wheel.DEFAULT_SEGMENTS,
) -> Recomputed:
    """The outcome `game` draws from `source`, mapped exactly as the game itself maps it.

    Dice rolls and crash points are integer hundredths. Gacha shows the rarity of
    floats 0–9 without pity (a pity pull re-reads its float, see docs/FAIRNESS.md).
    """
    uints = take(source, FLOATS_USED[game])
    drawn = tuple(uints)
    match game:
        case Game.SLOTS:
            return Recomputed(game, drawn, reels=slots.reels_from(uints, paytable))
        case Game.RPS:
            return Recomputed(game, drawn, rps_server_move=rps.server_move(uints[0]))
        case Game.DICE:
            return Recomputed(game, drawn, dice_roll=dice.roll_from(uints[0]))
        case Game.GACHA:
            rolls = tuple(gacha.rarity_of(u, gacha_rules) for u in uints)
            return Recomputed(game, drawn, gacha_rolls=rolls)
        case Game.WHEEL:
            return Recomputed(game, drawn, wheel_segment=wheel.spin(uints[0], segments))
        case Game.CRASH:
            return Recomputed(game, drawn, crash_point=crash.crash_point(uints[0]))
