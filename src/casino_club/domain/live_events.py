"""What the live subscriptions deliver (SPEC §10), as values: each carries the id of
its event on the channel it came by, which a client resubscribes `since`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from casino_club.domain.games import GameEventType
from casino_club.domain.ledger import LedgerReason


@dataclass(frozen=True, slots=True)
class BalanceChange:
    """The player's balance moved: one per ledger row, in order."""

    id: str
    user_id: int  # whose balance: the channel's player
    gold: int
    delta: int
    reason: LedgerReason
    at: datetime


@dataclass(frozen=True, slots=True)
class GameEvent:
    """Something happened in one of the player's games."""

    id: str
    user_id: int  # whose game: the channel's player
    type: GameEventType
    round_id: str | None
    at: datetime
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class MonitorEvent:
    """A game event of some player, as operators monitor them."""

    id: str
    user_id: int
    type: GameEventType
    round_id: str | None
    at: datetime
    data: dict[str, Any]
