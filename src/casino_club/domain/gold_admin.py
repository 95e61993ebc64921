"""Operators move gold (SPEC §11): one player's adjustment, and rewards for many, each
item answered on its own."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class GoldAdjusted:
    """The gold moved through the ledger (ADMIN_ADJUSTMENT). Stored under the request's
    idempotency key as it is: a retry replays it."""

    user_id: int
    amount: int
    balance: int
    replayed: bool = False


@dataclass(frozen=True, slots=True)
class RewardItem:
    """One player's reward as the operator asked for it; `user_id` is the id as sent,
    which need not name a player."""

    user_id: str
    gold: int


class RewardStatus(StrEnum):
    GRANTED = "GRANTED"
    ALREADY_GRANTED = "ALREADY_GRANTED"  # by an earlier request with this key
    UNKNOWN_USER = "UNKNOWN_USER"
    INVALID = "INVALID"  # not a positive amount, or the player appears twice


@dataclass(frozen=True, slots=True)
class RewardResult:
    user_id: str  # as sent
    status: RewardStatus
    balance: int | None  # after the grant, when granted


@dataclass(frozen=True, slots=True)
class RewardsGranted:
    """Each item's outcome, in the order given."""

    results: tuple[RewardResult, ...]
