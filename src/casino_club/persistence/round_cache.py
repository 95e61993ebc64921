"""Each player's next fair round as this process last left it, so a bet can be decided
before it reaches the database and then written in one statement.

An entry is only a guess: the statement that settles a bet checks it against the seed
row (seed still active, same client seed, nonce not moved) and writes nothing when it is
stale — another process's bet, a game on the session path, a seed rotation or a new
client seed. The bet then takes the locked path, which refreshes the entry.
"""

from __future__ import annotations

from dataclasses import replace

from casino_club.domain.fairness import FairnessInput
from casino_club.persistence.fairness import Round

DEFAULT_ENTRIES = 100_000


class RoundCache:
    def __init__(self, entries: int = DEFAULT_ENTRIES) -> None:
        self._entries = entries
        self._next: dict[int, Round] = {}

    def get(self, user_id: int) -> Round | None:
        return self._next.get(user_id)

    def after(self, user_id: int, taken: Round, slot_win_streak: int | None) -> None:
        """Remember the round after `taken`, which a committed bet used: the same seeds,
        the next nonce, and the streak that bet left (unchanged when it was no spin)."""
        source = taken.source
        following = replace(
            taken,
            source=FairnessInput(source.server_seed, source.client_seed, source.nonce + 1),
            slot_win_streak=taken.slot_win_streak if slot_win_streak is None else slot_win_streak,
        )
        self.remember(user_id, following)

    def remember(self, user_id: int, next_round: Round) -> None:
        """Remember the player's next round, as read from the seed row."""
        entries = self._next
        entries.pop(user_id, None)  # re-inserted last: the oldest entry is evicted first
        if len(entries) >= self._entries:
            del entries[next(iter(entries))]
        entries[user_id] = next_round

    def forget(self, user_id: int) -> None:
        self._next.pop(user_id, None)
