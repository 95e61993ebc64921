"""The games, as history, events and verification name them."""

from enum import StrEnum


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
