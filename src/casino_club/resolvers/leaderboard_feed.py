"""Feeding the leaderboards (SPEC §9.3) once an action has committed: a finished play,
and the player's experience when it changed. Embedded mode's boards are SQL itself, so
there it costs nothing."""

from __future__ import annotations

import logging

from redis.exceptions import RedisError

from casino_club.domain.games import Game
from casino_club.domain.missions import Periods
from casino_club.services import Services

log = logging.getLogger(__name__)


async def feed(
    services: Services,
    user_id: int,
    *,
    play: tuple[Game, int, int, Periods] | None = None,
    xp: int | None = None,
) -> None:
    """After a commit: a finished play (game, stake, payout, its periods) and the
    player's experience, if it changed. A failure is logged, never raised: the play
    stands, and the boards are rebuilt from SQL when found missing."""
    try:
        if play is not None:
            game, stake, payout, periods = play
            await services.leaderboards.add_play(user_id, game, stake, payout, periods)
        if xp is not None:
            await services.leaderboards.set_xp(user_id, xp)
    except (RedisError, OSError):
        log.warning("feeding the leaderboards failed", exc_info=True)
