"""How many WebSocket connections and subscriptions one player, or one address, may hold
(SPEC §13: not only per connection).

One player with 50 connections of 20 subscriptions each on their own channels cut the
server to 2.5 spins/s: every event fanned out a thousand times. Each connection and each
subscription takes a lease under both the player's count (once known) and the address's;
the lease is given back when the connection closes or the subscription ends, however it
ends. A refusal names the limit met.

The counts are this process's: an instance (a uvicorn worker) holds its own. With N
instances behind a balancer a player may hold up to N times each limit — still bounded,
and without a shared count that a crashed instance would leave taken.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from casino_club.config import Settings


class LimitReached(Exception):
    """Refused: the player's or the address's count is at its limit (the message says which)."""


@dataclass(eq=False)
class Lease:
    """What a connection or subscription holds; `release` is idempotent."""

    _counts: Counter[str]
    _keys: tuple[str, ...]
    _released: bool = field(default=False, init=False)

    def release(self) -> None:
        if self._released:
            return
        self._released = True
        for key in self._keys:
            self._counts[key] -= 1
            if self._counts[key] <= 0:
                del self._counts[key]


class LiveLimits:
    """Connections and subscriptions held, by player and by address (0: no limit)."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._counts: Counter[str] = Counter()

    def held(self, key: str) -> int:
        return self._counts[key]

    def connection(self, player_id: int | None, address: str) -> Lease:
        settings = self._settings
        return self._take(
            "connections",
            player_id,
            address,
            per_player=settings.ws_max_connections_per_player,
            per_address=settings.ws_max_connections_per_address,
        )

    def subscription(self, player_id: int | None, address: str) -> Lease:
        settings = self._settings
        return self._take(
            "subscriptions",
            player_id,
            address,
            per_player=settings.graphql_max_subscriptions_per_player,
            per_address=settings.graphql_max_subscriptions_per_address,
        )

    def _take(
        self, what: str, player_id: int | None, address: str, *, per_player: int, per_address: int
    ) -> Lease:
        """Both counts, or neither: raises LimitReached naming the one that is full."""
        limits = [(f"{what}:a:{address}", per_address, "address")]
        if player_id is not None:
            limits.append((f"{what}:u:{player_id}", per_player, "player"))
        for key, limit, whose in limits:
            if limit and self._counts[key] >= limit:
                raise LimitReached(f"Too many open {what} for this {whose} (at most {limit})")
        keys = tuple(key for key, _, _ in limits)
        for key in keys:
            self._counts[key] += 1
        return Lease(self._counts, keys)
