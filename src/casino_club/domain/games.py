"""The games, as history, events and verification name them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from fractions import Fraction
from typing import Any

from casino_club.domain.fairness import FairnessProof


class Game(StrEnum):
    SLOTS = "SLOTS"
    RPS = "RPS"
    DICE = "DICE"
    GACHA = "GACHA"
    WHEEL = "WHEEL"
    CRASH = "CRASH"


class GameEventType(StrEnum):
    SLOT_SPIN = "SLOT_SPIN"
    RPS_PLAY = "RPS_PLAY"
    DICE_ROLL = "DICE_ROLL"
    GACHA_PULL = "GACHA_PULL"
    WHEEL_SPIN = "WHEEL_SPIN"
    CRASH_BET = "CRASH_BET"
    CRASH_SETTLED = "CRASH_SETTLED"
    PURCHASE = "PURCHASE"
    DAILY_CHECKIN = "DAILY_CHECKIN"
    LEVEL_UP = "LEVEL_UP"
    MISSION_PROGRESS = "MISSION_PROGRESS"
    MISSION_COMPLETED = "MISSION_COMPLETED"


@dataclass(frozen=True, slots=True)
class GameRound:
    """One settled play as its player's history shows it."""

    id: int
    game: Game
    stake: int
    payout: int
    outcome: dict[str, Any]  # what the game decided, as it recorded it
    fairness: FairnessProof
    at: datetime


def exact_text(value: Fraction) -> str:
    """A published odd as an exact fraction `p/q` (always both, even for 1/1), beside
    its float, so a player can check it without rounding."""
    return f"{value.numerator}/{value.denominator}"
