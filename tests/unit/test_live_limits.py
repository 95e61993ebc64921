"""The live limits' counting (live/limits.py): both counts or neither, given back once."""

from __future__ import annotations

import pytest

from casino_club.config import Settings
from casino_club.live.limits import LimitReached, LiveLimits
from casino_club.persistence.live_leases import InProcessLeases

ADDRESS = "198.51.100.7"


def limits(**values: int) -> LiveLimits:
    return LiveLimits(Settings(_env_file=None, **values), InProcessLeases())  # type: ignore[arg-type]


async def test_an_address_is_bounded_whoever_subscribes_and_anonymous_too() -> None:
    live = limits(graphql_max_subscriptions_per_address=2, graphql_max_subscriptions_per_player=5)
    await live.subscription(1, ADDRESS)
    await live.subscription(None, ADDRESS)
    with pytest.raises(LimitReached, match="for this address \\(at most 2\\)"):
        await live.subscription(2, ADDRESS)
    # A refusal takes nothing: the player's count did not move.
    assert await live.counts.held("{u:2}:subscriptions") == 0
    await live.subscription(2, "198.51.100.8")


async def test_a_refusal_by_the_player_gives_the_address_back() -> None:
    live = limits(ws_max_connections_per_player=1, ws_max_connections_per_address=5)
    await live.connection(7, ADDRESS)
    with pytest.raises(LimitReached, match="for this player \\(at most 1\\)"):
        await live.connection(7, ADDRESS)
    assert await live.counts.held(f"connections:a:{ADDRESS}") == 1


async def test_a_lease_is_given_back_once() -> None:
    live = limits(ws_max_connections_per_player=1, ws_max_connections_per_address=3)
    lease = await live.connection(7, ADDRESS)
    with pytest.raises(LimitReached, match="for this player \\(at most 1\\)"):
        await live.connection(7, "203.0.113.9")
    lease.release()
    lease.release()
    assert await live.counts.held("{u:7}:connections") == 0
    assert await live.counts.held(f"connections:a:{ADDRESS}") == 0
    await live.connection(7, ADDRESS)
    assert await live.counts.held("{u:7}:connections") == 1
