"""Settled game rounds (history), each with its fairness proof."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.domain.fairness import FairnessProof
from casino_club.persistence.models import GameRound, table

_INSERT_ROUND = insert(table(GameRound)).returning(table(GameRound).c.id)


@dataclass(frozen=True, slots=True)
class Played:
    """A finished play of any game: what it cost, what it paid, what the player saw, and
    the fair round that decided it."""

    user_id: int
    game: str
    stake: int
    payout: int
    outcome: dict[str, Any]
    seed_id: int
    proof: FairnessProof
    at: datetime


async def record(session: AsyncSession, played: Played) -> int:
    """Write the play's history row, in the play's transaction; its id.

    Every finished play is recorded here or, for an instant bet on PostgreSQL's driver
    path, by this function's twin, the `round` step of `postgres_bets.SETTLE` (held to
    writing the same row by tests/integration/test_bet_stores.py). Whatever counts plays
    — missions, achievements, stats — belongs beside both, in the play's transaction, so
    that a refused or rolled-back play counts for nothing.
    """
    proof = played.proof
    round_id = (
        await session.execute(
            _INSERT_ROUND,
            dict(
                user_id=played.user_id,
                game=played.game,
                stake=played.stake,
                payout=played.payout,
                outcome=orjson.dumps(played.outcome).decode(),
                seed_id=played.seed_id,
                server_seed_hash=proof.server_seed_hash,
                client_seed=proof.client_seed,
                nonce=proof.nonce,
                created_at=played.at,
            ),
        )
    ).scalar_one()
    return int(round_id)


async def page(
    session: AsyncSession, user_id: int, *, game: str | None, after_id: int | None, limit: int
) -> list[GameRound]:
    query = select(GameRound).where(GameRound.user_id == user_id)
    if game is not None:
        query = query.where(GameRound.game == game)
    if after_id is not None:
        query = query.where(GameRound.id < after_id)
    return list((await session.scalars(query.order_by(GameRound.id.desc()).limit(limit))).all())
