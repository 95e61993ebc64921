"""Why gold moved. Every ledger row carries one of these (SPEC §2.1)."""

from enum import StrEnum


class LedgerReason(StrEnum):
    SIGNUP_BONUS = "SIGNUP_BONUS"
    SLOT_BET = "SLOT_BET"
    SLOT_WIN = "SLOT_WIN"
    ADMIN_ADJUSTMENT = "ADMIN_ADJUSTMENT"
