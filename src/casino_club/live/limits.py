"""How many WebSocket connections and subscriptions one player, or one address, may hold
(SPEC §13: not only per connection).

One player with 50 connections of 20 subscriptions each on their own channels cut the
server to 2.5 spins/s: every event fanned out a thousand times. Each connection and each
subscription takes a lease under both the player's count (once known) and the address's;
the lease is given back when the connection closes or the subscription ends, however it
ends. A refusal names the limit met.

The counts are shared by every instance in production (persistence/live_leases.py:
Redis leases that expire if their instance dies), and the process's own in embedded
mode.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from casino_club.config import Settings
from casino_club.persistence.live_leases import LeaseCounts
from casino_club.persistence.redis_client import player_tag


class LimitReached(Exception):
    """Refused: the player's or the address's count is at its limit (the message says which)."""


@dataclass(eq=False)
class Lease:
    """What a connection or subscription holds; `release` is idempotent."""

    _counts: LeaseCounts
    _taken: tuple[tuple[str, str], ...]
    _released: bool = field(default=False, init=False)

    def release(self) -> None:
        if self._released:
            return
        self._released = True
        for key, token in self._taken:
            self._counts.give_back(key, token)


class HoldsConnection(Protocol):
    """What the WebSocket handlers need of a connection's context: the lease it holds
    on the connection limits, to give back when the connection ends (a Protocol, so
    live delivery does not import the request context that is built above it)."""

    connection_lease: Lease | None


class LiveLimits:
    """Connections and subscriptions held, by player and by address (0: no limit)."""

    def __init__(self, settings: Settings, counts: LeaseCounts) -> None:
        self._settings = settings
        self.counts = counts

    async def connection(self, player_id: int | None, address: str) -> Lease:
        settings = self._settings
        return await self._take(
            "connections",
            player_id,
            address,
            per_player=settings.ws_max_connections_per_player,
            per_address=settings.ws_max_connections_per_address,
        )

    async def subscription(self, player_id: int | None, address: str) -> Lease:
        settings = self._settings
        return await self._take(
            "subscriptions",
            player_id,
            address,
            per_player=settings.graphql_max_subscriptions_per_player,
            per_address=settings.graphql_max_subscriptions_per_address,
        )

    async def _take(
        self, what: str, player_id: int | None, address: str, *, per_player: int, per_address: int
    ) -> Lease:
        """Both counts, or neither: raises LimitReached naming the one that is full."""
        limits = [(f"{what}:a:{address}", per_address, "address")]
        if player_id is not None:
            limits.append((f"{player_tag(player_id)}:{what}", per_player, "player"))
        taken: list[tuple[str, str]] = []
        for key, limit, whose in limits:
            if not limit:
                continue
            token = await self.counts.take(key, limit)
            if token is None:
                Lease(self.counts, tuple(taken)).release()
                raise LimitReached(f"Too many open {what} for this {whose} (at most {limit})")
            taken.append((key, token))
        return Lease(self.counts, tuple(taken))
