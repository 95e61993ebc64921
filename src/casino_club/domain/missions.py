"""Missions (SPEC §8.3): what a mission asks for, what each action counts towards it,
and which period a count belongs to.

A mission counts one kind of event. An action (a finished play, a crash bet, a
purchase, a check-in) is turned into its counts here — `play_counts` and friends — and
the persistence layer adds them to the progress rows of the active missions counting
those events, in the action's own transaction. Progress belongs to a period: the game
day for DAILY missions, the game week (from Monday) for WEEKLY ones, and one everlasting
period for ONCE missions, so a reset is simply a new period's row, and a claim is once
per period because it is recorded on that row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import ClassVar
from zoneinfo import ZoneInfo

from casino_club.domain.crash import MAX_AUTO_CASHOUT, MIN_AUTO_CASHOUT
from casino_club.domain.days import game_day, midnight
from casino_club.domain.errors import ErrorCode
from casino_club.domain.games import Game
from casino_club.domain.stats import PlayTotals

MAX_TITLE = 120
MAX_DESCRIPTION = 500
MAX_TARGET = 10**12
MAX_REWARD_GOLD = 10**9
MAX_REWARD_XP = 10**6
MAX_LEVEL = 10_000
KEY_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
NO_GAIN = 100  # a crash multiplier of 1.00×, in hundredths
# The period every ONCE mission's progress belongs to.
EVER = date(2000, 1, 1)


class MissionPeriod(StrEnum):
    DAILY = "DAILY"
    WEEKLY = "WEEKLY"
    ONCE = "ONCE"


class MissionEvent(StrEnum):
    """What a mission counts: one per play of each game, one per win where a game has
    wins, crash cash-outs (optionally from a multiplier up), gold staked in any game,
    purchases and check-ins."""

    SLOT_SPIN = "SLOT_SPIN"
    SLOT_WIN = "SLOT_WIN"
    GACHA_PULL = "GACHA_PULL"  # one per item pulled: a ten-pull counts ten
    CRASH_BET = "CRASH_BET"
    CRASH_CASHOUT = "CRASH_CASHOUT"
    RPS_PLAY = "RPS_PLAY"
    RPS_WIN = "RPS_WIN"
    DICE_ROLL = "DICE_ROLL"
    DICE_WIN = "DICE_WIN"
    WHEEL_SPIN = "WHEEL_SPIN"
    GOLD_STAKED = "GOLD_STAKED"  # counts the gold, not the plays
    PURCHASE = "PURCHASE"
    DAILY_CHECKIN = "DAILY_CHECKIN"


# What one action adds to the missions counting each event; at most MAX_COUNTS events.
Counts = tuple[tuple[MissionEvent, int], ...]
MAX_COUNTS = 3

_PLAYED = {
    Game.SLOTS: MissionEvent.SLOT_SPIN,
    Game.RPS: MissionEvent.RPS_PLAY,
    Game.DICE: MissionEvent.DICE_ROLL,
    Game.WHEEL: MissionEvent.WHEEL_SPIN,
}
_WON = {
    Game.SLOTS: MissionEvent.SLOT_WIN,
    Game.RPS: MissionEvent.RPS_WIN,
    Game.DICE: MissionEvent.DICE_WIN,
}
PURCHASE_COUNTS: Counts = ((MissionEvent.PURCHASE, 1),)
CHECKIN_COUNTS: Counts = ((MissionEvent.DAILY_CHECKIN, 1),)


@dataclass(frozen=True, slots=True)
class Mission:
    """A mission as operators define it. `min_multiplier` (hundredths) is for
    CRASH_CASHOUT only; `min_level`: players below it see the mission locked and make
    no progress on it."""

    key: str
    title: str
    period: MissionPeriod
    event: MissionEvent
    target: int
    reward_gold: int
    reward_xp: int
    description: str = ""
    min_multiplier: int | None = None
    min_level: int | None = None
    active: bool = True

    def __post_init__(self) -> None:
        if not KEY_PATTERN.fullmatch(self.key):
            raise ValueError("a key is 1-64 lower-case letters, digits, '_' or '-'")
        if not self.title or len(self.title) > MAX_TITLE:
            raise ValueError(f"{self.key}: a title is 1-{MAX_TITLE} characters")
        if len(self.description) > MAX_DESCRIPTION:
            raise ValueError(f"{self.key}: a description is at most {MAX_DESCRIPTION} characters")
        if not 1 <= self.target <= MAX_TARGET:
            raise ValueError(f"{self.key}: a target is 1-{MAX_TARGET}")
        if not 0 <= self.reward_gold <= MAX_REWARD_GOLD:
            raise ValueError(f"{self.key}: reward gold is 0-{MAX_REWARD_GOLD}")
        if not 0 <= self.reward_xp <= MAX_REWARD_XP:
            raise ValueError(f"{self.key}: reward XP is 0-{MAX_REWARD_XP}")
        if self.min_multiplier is not None and (
            self.event is not MissionEvent.CRASH_CASHOUT
            or not MIN_AUTO_CASHOUT <= self.min_multiplier <= MAX_AUTO_CASHOUT
        ):
            raise ValueError(
                f"{self.key}: a minimum multiplier is for CRASH_CASHOUT, "
                f"{MIN_AUTO_CASHOUT / 100:.2f}-{MAX_AUTO_CASHOUT / 100:.2f}"
            )
        if self.min_level is not None and not 1 <= self.min_level <= MAX_LEVEL:
            raise ValueError(f"{self.key}: a minimum level is 1-{MAX_LEVEL}")


@dataclass(frozen=True, slots=True)
class StoredMission:
    """A mission with its row id (what players and events call it)."""

    id: int
    mission: Mission


def play_counts(game: Game, play: PlayTotals, items: int = 1) -> Counts:
    """What a finished play counts: the play (a gacha pull counts its items), a win
    (paid more than the stake), the gold it staked. A crash round's bet and stake were
    counted when it was placed (`open_round_counts`); its end counts a cash-out only, and
    only above 1.00× (one at 1.00× is the stake back: no risk taken, nothing done)."""
    if game is Game.CRASH:
        cashed_out = play.multiplier is not None and play.multiplier > NO_GAIN
        return ((MissionEvent.CRASH_CASHOUT, 1),) if cashed_out else ()
    played = MissionEvent.GACHA_PULL if game is Game.GACHA else _PLAYED[game]
    counts = [(played, items if game is Game.GACHA else 1)]
    if play.win and game in _WON:
        counts.append((_WON[game], 1))
    if play.stake:
        counts.append((MissionEvent.GOLD_STAKED, play.stake))
    return tuple(counts)


def open_round_counts(stake: int) -> Counts:
    """What a bet whose round goes on (crash) counts when it is placed."""
    return ((MissionEvent.CRASH_BET, 1), (MissionEvent.GOLD_STAKED, stake))


@dataclass(frozen=True, slots=True)
class Periods:
    """The period each kind of mission counts in, on one game day."""

    day: date

    @property
    def week(self) -> date:
        return self.day - timedelta(days=self.day.weekday())

    def of(self, period: MissionPeriod) -> date:
        if period is MissionPeriod.DAILY:
            return self.day
        if period is MissionPeriod.WEEKLY:
            return self.week
        return EVER

    def ends_at(self, period: MissionPeriod, zone: ZoneInfo) -> datetime | None:
        """When the period ends (the next one begins); None: never (ONCE)."""
        if period is MissionPeriod.ONCE:
            return None
        days = 1 if period is MissionPeriod.DAILY else 7
        return midnight(self.of(period) + timedelta(days=days), zone)


def periods_at(now: datetime, zone: ZoneInfo) -> Periods:
    return Periods(game_day(now, zone))


# Progress of a daily or weekly period is kept this long after the period began: long
# past its last claim, and short enough that the table holds a fortnight of play.
KEPT = timedelta(days=14)


def first_kept(today: date) -> date:
    """The oldest daily or weekly period whose progress is still kept."""
    return today - KEPT


def locked(mission: Mission, level: int) -> bool:
    """Below its minimum level a mission shows locked and counts nothing."""
    return mission.min_level is not None and level < mission.min_level


class ClaimRefusal(StrEnum):
    NOT_COMPLETE = "NOT_COMPLETE"
    ALREADY_CLAIMED = "ALREADY_CLAIMED"


def reached(progress: int, target: int) -> bool:
    return progress >= target


def claim_refusal(progress: int, target: int, claimed: bool) -> ClaimRefusal | None:
    """Why this period's reward cannot be claimed, if it cannot: once per period, and
    only at the target."""
    if not reached(progress, target):
        return ClaimRefusal.NOT_COMPLETE
    return ClaimRefusal.ALREADY_CLAIMED if claimed else None


@dataclass(frozen=True, slots=True)
class PlayerMission:
    """A mission as the player stands on it in its current period. `target` is the
    period's goal: the mission's target when the period's first count was made."""

    mission: StoredMission
    progress: int
    target: int
    completed: bool
    claimed: bool
    locked: bool
    resets_at: datetime | None  # None: never (ONCE)


@dataclass(frozen=True, slots=True)
class MissionRewardClaimed:
    """The mission's reward, paid."""

    mission: StoredMission
    gold: int
    xp: int
    balance: int
    level: int


@dataclass(frozen=True, slots=True)
class MissionNotFound:
    """No active mission has this id (or, for operators, this key)."""

    code: ClassVar[ErrorCode] = ErrorCode.MISSION_NOT_FOUND

    @property
    def message(self) -> str:
        return "No such mission"


@dataclass(frozen=True, slots=True)
class MissionNotComplete:
    """The mission is not complete in this period yet."""

    code: ClassVar[ErrorCode] = ErrorCode.MISSION_NOT_COMPLETE
    progress: int
    target: int

    @property
    def message(self) -> str:
        return f"Not complete yet: {self.progress} of {self.target}"


@dataclass(frozen=True, slots=True)
class MissionSaved:
    mission: StoredMission
    created: bool


@dataclass(frozen=True, slots=True)
class MissionDeleted:
    """The mission and every player's progress on it are gone."""

    key: str


@dataclass(frozen=True, slots=True, order=True)
class Advance:
    """A mission's progress after an action added to it. Progress stops at the target,
    and a row at its target is not written again, so an advance that reaches the
    target is the one that completed it."""

    mission_id: int
    progress: int
    target: int

    @property
    def completed(self) -> bool:
        return reached(self.progress, self.target)


def _daily(key: str, title: str, event: MissionEvent, target: int, gold: int, xp: int) -> Mission:
    return Mission(key, title, MissionPeriod.DAILY, event, target, gold, xp)


# Seeded on a fresh database (bootstrap.seed); operators edit them like any other.
STARTER_MISSIONS: tuple[Mission, ...] = (
    _daily("daily-spin-20", "Spin the slots 20 times", MissionEvent.SLOT_SPIN, 20, 500, 20),
    _daily("daily-slot-wins-3", "Win 3 slot spins", MissionEvent.SLOT_WIN, 3, 300, 15),
    _daily("daily-gacha-1", "Pull the gacha once", MissionEvent.GACHA_PULL, 1, 200, 10),
    Mission(
        "daily-crash-2x",
        "Cash out a crash round at 2x or more",
        MissionPeriod.DAILY,
        MissionEvent.CRASH_CASHOUT,
        1,
        400,
        20,
        min_multiplier=200,
    ),
    _daily(
        "daily-rps-wins-3", "Win 3 games of rock-paper-scissors", MissionEvent.RPS_WIN, 3, 300, 15
    ),
    Mission(
        "weekly-stake-10000",
        "Stake 10,000 gold",
        MissionPeriod.WEEKLY,
        MissionEvent.GOLD_STAKED,
        10_000,
        2_000,
        100,
        description="In any game.",
    ),
    Mission(
        "weekly-checkin-3",
        "Check in on 3 days",
        MissionPeriod.WEEKLY,
        MissionEvent.DAILY_CHECKIN,
        3,
        1_000,
        50,
        description="Claim the daily reward on 3 days of the week (Monday to Sunday).",
    ),
    Mission(
        "first-purchase",
        "Make your first purchase",
        MissionPeriod.ONCE,
        MissionEvent.PURCHASE,
        1,
        5_000,
        200,
    ),
)
