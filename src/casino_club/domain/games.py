"""The games, as history, events and verification name them."""

from enum import StrEnum


class Game(StrEnum):
    SLOTS = "SLOTS"


class GameEventType(StrEnum):
    SLOT_SPIN = "SLOT_SPIN"
