"""Rounds a server seed has decided that are not settled yet (SPEC §6.1).

A seed is revealed when it is rotated; a round it decided that is still running (a
crash round before its end) would then be played with its outcome known. Every game
whose round outlives its bet registers a finder here, so the rotation refuses while any
such round exists. Instant games settle in the bet's own transaction and need none.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.domain.games import Game
from casino_club.persistence import crash

# (session, user_id, seed_id) → the id of an unsettled round of that game, or None.
Finder = Callable[[AsyncSession, int, int], Awaitable[int | None]]

FINDERS: tuple[tuple[Game, Finder], ...] = ((Game.CRASH, crash.unsettled_on_seed),)


@dataclass(frozen=True, slots=True)
class UnsettledRound:
    game: Game
    round_id: int


async def first_on_seed(session: AsyncSession, user_id: int, seed_id: int) -> UnsettledRound | None:
    """Any unsettled round of the player that this seed decided.

    The caller holds the seed row locked (as every bet does first), so no bet can open a
    round on this seed between this answer and the caller's commit.
    """
    for game, find in FINDERS:
        round_id = await find(session, user_id, seed_id)
        if round_id is not None:
            return UnsettledRound(game, round_id)
    return None
