"""Why gold moved. Every ledger row carries one of these (SPEC §2.1)."""

from enum import StrEnum


class LedgerReason(StrEnum):
    SIGNUP_BONUS = "SIGNUP_BONUS"
    SLOT_BET = "SLOT_BET"
    SLOT_WIN = "SLOT_WIN"
    RPS_BET = "RPS_BET"
    RPS_WIN = "RPS_WIN"
    DICE_BET = "DICE_BET"
    DICE_WIN = "DICE_WIN"
    GACHA_PULL = "GACHA_PULL"
    GACHA_REFUND = "GACHA_REFUND"
    WHEEL_SPIN = "WHEEL_SPIN"
    WHEEL_PRIZE = "WHEEL_PRIZE"
    CRASH_BET = "CRASH_BET"
    CRASH_WIN = "CRASH_WIN"
    ADMIN_ADJUSTMENT = "ADMIN_ADJUSTMENT"
