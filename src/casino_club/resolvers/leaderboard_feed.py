"""Feeding the leaderboards (SPEC §9.3) once an action has committed: a finished play,
and the player's experience when it changed. Embedded mode's boards are SQL itself, so
there it costs nothing."""

from __future__ import annotations

import asyncio
import logging
from typing import NamedTuple

from redis.exceptions import RedisError

from casino_club.domain.games import Game
from casino_club.domain.missions import Periods
from casino_club.services import Services

log = logging.getLogger(__name__)


class FinishedPlay(NamedTuple):
    game: Game
    stake: int
    payout: int
    periods: Periods  # those of the moment it was recorded


async def feed(
    services: Services,
    user_id: int,
    *,
    play: FinishedPlay | None = None,
    xp: int | None = None,
    operator: bool = False,
) -> None:
    """After a commit: a finished play, and the player's experience if it changed. A
    failure is logged, never raised: the play stands, and SQL still holds it (see
    persistence/redis_leaderboards.py for how boards are rebuilt). An operator's
    experience (a daily reward's) ranks nowhere: operators do not play."""
    if operator:
        return
    boards = services.leaderboards
    # Together: on Redis their commands leave in one batch (redis_batch), one round trip.
    fed = await asyncio.gather(
        *([] if play is None else [boards.add_play(user_id, *play)]),
        *([] if xp is None else [boards.set_xp(user_id, xp)]),
        return_exceptions=True,
    )
    for failure in fed:
        if isinstance(failure, RedisError | OSError):
            log.warning("feeding the leaderboards failed", exc_info=failure)
        elif isinstance(failure, BaseException):
            raise failure
