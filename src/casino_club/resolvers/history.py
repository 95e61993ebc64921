"""A player's game history (SPEC §9.2): settled plays, newest first."""

from __future__ import annotations

from datetime import datetime

import orjson

from casino_club.domain.games import Game, GameRound
from casino_club.persistence import game_rounds
from casino_club.persistence.fairness import proof_of
from casino_club.persistence.models import GameRound as GameRoundRow
from casino_club.services import Services


def played(row: GameRoundRow) -> GameRound:
    return GameRound(
        id=row.id,
        game=Game(row.game),
        stake=row.stake,
        payout=row.payout,
        outcome=orjson.loads(row.outcome),
        fairness=proof_of(row),
        at=row.created_at,
    )


async def page(
    services: Services,
    user_id: int,
    *,
    game: Game | None,
    since: datetime | None,
    after_id: int | None,
    limit: int,
) -> list[GameRound]:
    """Up to `limit` of the player's plays older than `after_id`, of one game or all, from
    `since` on."""
    async with services.sessionmaker() as session:
        rows = await game_rounds.page(
            session,
            user_id,
            game=None if game is None else game.value,
            since=since,
            after_id=after_id,
            limit=limit,
        )
    return [played(row) for row in rows]
