"""Ledger rules (SPEC §2.1): why gold moved, which rows a play writes, and the balance
each row leaves. Pure: `persistence/wallet.py` and `persistence/postgres_bets.py` write
what these compute."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from casino_club.domain.games import Game


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
    PURCHASE = "PURCHASE"
    PURCHASE_REFUND = "PURCHASE_REFUND"
    DEBT_REPAYMENT = "DEBT_REPAYMENT"
    ADMIN_ADJUSTMENT = "ADMIN_ADJUSTMENT"
    ADMIN_REWARD = "ADMIN_REWARD"
    DAILY_REWARD = "DAILY_REWARD"
    MISSION_REWARD = "MISSION_REWARD"
    CAMPAIGN_REWARD = "CAMPAIGN_REWARD"


class PlayReasons(NamedTuple):
    """How a game's plays appear in the ledger: what a play costs, what it pays."""

    cost: LedgerReason
    payout: LedgerReason


PLAY_REASONS: dict[Game, PlayReasons] = {
    Game.SLOTS: PlayReasons(LedgerReason.SLOT_BET, LedgerReason.SLOT_WIN),
    Game.RPS: PlayReasons(LedgerReason.RPS_BET, LedgerReason.RPS_WIN),
    Game.DICE: PlayReasons(LedgerReason.DICE_BET, LedgerReason.DICE_WIN),
    Game.GACHA: PlayReasons(LedgerReason.GACHA_PULL, LedgerReason.GACHA_REFUND),
    Game.WHEEL: PlayReasons(LedgerReason.WHEEL_SPIN, LedgerReason.WHEEL_PRIZE),
    Game.CRASH: PlayReasons(LedgerReason.CRASH_BET, LedgerReason.CRASH_WIN),
}
# Every row that play writes: a day's net loss (SPEC §5.5) is minus their sum.
AT_PLAY = frozenset(reason for reasons in PLAY_REASONS.values() for reason in reasons)


@dataclass(frozen=True, slots=True)
class Movement:
    amount: int
    reason: LedgerReason
    reference: str | None = None


@dataclass(frozen=True, slots=True)
class Posted:
    """A ledger row as written: what moved and the balance right after it."""

    amount: int
    reason: LedgerReason
    balance_after: int


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One gold movement as a player's ledger lists it; the ledger is append-only."""

    id: int
    amount: int
    balance_after: int
    reason: LedgerReason
    reference: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class Mismatch:
    """A wallet that disagrees with the sum of its ledger: something wrote around it."""

    user_id: int
    wallet_gold: int
    ledger_sum: int


def round_reference(game: str, seed_id: int, nonce: int) -> str:
    """What a play's ledger rows point at: the fair round that decided it."""
    return f"{game.lower()}:{seed_id}:{nonce}"


def play_movements(
    reference: str, cost: int, cost_reason: LedgerReason, payout: int, payout_reason: LedgerReason
) -> list[Movement]:
    """A play's rows: its cost out (unless it was free), then its payout (if any) in."""
    moved = [Movement(-cost, cost_reason, reference)] if cost else []
    if payout:
        moved.append(Movement(payout, payout_reason, reference))
    return moved


def required_balance(movements: Sequence[Movement]) -> int:
    """The balance needed up front so that no prefix of the movements goes negative."""
    running = lowest = 0
    for movement in movements:
        running += movement.amount
        lowest = min(lowest, running)
    return -lowest


def still_to_come(movements: Sequence[Movement]) -> list[int]:
    """For each movement, the sum of those after it: its balance_after is the final
    balance minus that (the only figure a single UPDATE returns is the final one)."""
    return [sum(m.amount for m in movements[i + 1 :]) for i in range(len(movements))]


def posted_rows(movements: Sequence[Movement], final: int) -> list[Posted]:
    """The ledger rows the movements make, given the balance after all of them."""
    return [
        Posted(m.amount, m.reason, final - later)
        for m, later in zip(movements, still_to_come(movements), strict=True)
    ]
