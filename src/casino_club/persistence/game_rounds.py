"""Settled game rounds (history), each with its fairness proof."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.domain.fairness import FairnessProof
from casino_club.persistence.models import GameRound, table

_INSERT_ROUND = insert(table(GameRound)).returning(table(GameRound).c.id)


async def record(
    session: AsyncSession,
    *,
    user_id: int,
    game: str,
    stake: int,
    payout: int,
    outcome: dict[str, Any],
    seed_id: int,
    proof: FairnessProof,
    now: datetime,
) -> int:
    round_id = (
        await session.execute(
            _INSERT_ROUND,
            dict(
                user_id=user_id,
                game=game,
                stake=stake,
                payout=payout,
                outcome=orjson.dumps(outcome).decode(),
                seed_id=seed_id,
                server_seed_hash=proof.server_seed_hash,
                client_seed=proof.client_seed,
                nonce=proof.nonce,
                created_at=now,
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
