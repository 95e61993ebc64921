"""Access tokens already checked against the database, so that a request need not check
its token there again (the session check was a database round trip on every request).

Access must still end at once when a session is logged out, its family revoked for
refresh-token reuse, or its player banned or changed, on every instance. So:

- whatever ends or changes a player's access calls `forget(user_id)` after its commit,
  here and, through the `sessions` channel of the event bus, on every other instance;
- an entry is used only while that channel is up and has not reconnected since the
  entry was made (a reconnect may have lost a `forget`): `generation()` tells;
- a check that read the database while a `forget` ran is not cached (it may have read
  the session just before it ended);
- and no entry outlives `ttl_seconds` or its token's expiry, whatever happens.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from casino_club.persistence.users import Account
from casino_club.security import AccessClaims

# A hash tag, as every channel's name (live/events.py).
CHANNEL = "{sessions}"


@dataclass(frozen=True, slots=True)
class Checked:
    claims: AccessClaims
    user: Account


@dataclass(frozen=True, slots=True)
class _Entry:
    checked: Checked
    generation: int
    made_at: float


class SessionCache:
    def __init__(
        self,
        *,
        ttl_seconds: float,
        max_entries: int,
        generation: Callable[[], int | None],
    ) -> None:
        """`generation()`: the invalidation channel's connection count, None while down."""
        self._ttl = ttl_seconds
        self._max_entries = max_entries
        self._generation = generation
        self._entries: dict[str, _Entry] = {}
        self._tokens_of: dict[int, set[str]] = {}
        self._forgets = 0

    def get(self, token: str, now: datetime) -> Checked | None:
        entry = self._entries.get(token)
        if entry is None:
            return None
        generation = self._generation()
        if (
            generation != entry.generation
            or time.monotonic() - entry.made_at > self._ttl
            or entry.checked.claims.expires_at <= now
        ):
            self._drop(token)
            return None
        return entry.checked

    def stamp(self) -> int:
        """Take before reading the database; hand to `put` after."""
        return self._forgets

    def put(self, token: str, checked: Checked, stamp: int) -> None:
        generation = self._generation()
        if generation is None or stamp != self._forgets or self._ttl <= 0:
            return
        if len(self._entries) >= self._max_entries:
            self._drop(next(iter(self._entries)))  # the oldest
        self._entries[token] = _Entry(checked, generation, time.monotonic())
        self._tokens_of.setdefault(checked.user.id, set()).add(token)

    def forget(self, user_id: int) -> None:
        self._forgets += 1
        for token in self._tokens_of.pop(user_id, set()):
            self._entries.pop(token, None)

    def clear(self) -> None:
        self._forgets += 1
        self._entries.clear()
        self._tokens_of.clear()

    def _drop(self, token: str) -> None:
        entry = self._entries.pop(token, None)
        if entry is not None:
            tokens = self._tokens_of.get(entry.checked.user.id)
            if tokens is not None:
                tokens.discard(token)
                if not tokens:
                    del self._tokens_of[entry.checked.user.id]
