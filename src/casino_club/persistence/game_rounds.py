"""Settled game rounds (history), each with its fairness proof."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

import orjson
from sqlalchemy import bindparam, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.domain.accounts import level_reached
from casino_club.domain.fairness import FairnessProof
from casino_club.domain.games import Game
from casino_club.domain.missions import Periods, play_counts
from casino_club.domain.progression import Progression
from casino_club.domain.stats import PlayTotals
from casino_club.persistence import missions, player_stats
from casino_club.persistence.database import rows_since
from casino_club.persistence.driver import Statements, statements
from casino_club.persistence.models import GameRound, table

_rounds = table(GameRound)
# Bind names differ from the columns': SQLAlchemy reserves those in an INSERT.
_INSERT_ROUND = (
    insert(_rounds)
    .values(
        user_id=bindparam("uid"),
        game=bindparam("of_game"),
        stake=bindparam("staked"),
        payout=bindparam("paid"),
        outcome=bindparam("shown"),
        seed_id=bindparam("sid"),
        server_seed_hash=bindparam("seed_hash"),
        client_seed=bindparam("client"),
        nonce=bindparam("n"),
        created_at=bindparam("at"),
    )
    .returning(_rounds.c.id)
)


@dataclass(frozen=True, slots=True)
class PlayRecord:
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
    periods: Periods  # the mission periods `at` falls in
    multiplier: int | None = None  # crash: the cash-out multiplier, in hundredths
    units: int = 1  # gacha: the items the pull drew (missions count each)

    @property
    def totals(self) -> PlayTotals:
        return PlayTotals(self.stake, self.payout, self.multiplier)


class Recorded(NamedTuple):
    """A play as written: its history row, and what it moved forward."""

    round_id: int
    progression: Progression


async def record(on: AsyncSession | Statements, played: PlayRecord) -> Recorded:
    """Write the play's history row and count it, in the play's transaction.

    Every finished play is recorded here — by the bet's transaction (`bets.write`), or by
    a crash round's end — or, for an instant bet on PostgreSQL's driver path, by this
    function's twin, the `round`, `stats` and `missions_step` steps of
    `postgres_bets.SETTLE` (held to writing the same rows by
    tests/integration/test_bet_stores.py). Whatever counts plays — missions, stats and
    the XP they earn — belongs in both, in the play's transaction, so that a refused or
    rolled-back play counts for nothing. Missions count first: a mission's minimum level
    is the player's level before the play, as SETTLE's snapshot sees it.
    """
    db = statements(on)
    round_id = await _history_row(db, played)
    advanced = await missions.advance(
        db,
        played.user_id,
        play_counts(Game(played.game), played.totals, played.units),
        played.periods,
        played.at,
        multiplier=played.multiplier,
    )
    gained = await player_stats.count(db, played.user_id, played.game, played.totals)
    if not gained:
        return Recorded(round_id, Progression(missions=advanced))
    xp = await player_stats.xp_of(db, played.user_id)
    return Recorded(round_id, Progression(level_reached(xp - gained, xp), advanced, xp))


async def _history_row(db: Statements, played: PlayRecord) -> int:
    proof = played.proof
    round_id = await db.value(
        _INSERT_ROUND,
        {
            "uid": played.user_id,
            "of_game": played.game,
            "staked": played.stake,
            "paid": played.payout,
            "shown": orjson.dumps(played.outcome).decode(),
            "sid": played.seed_id,
            "seed_hash": proof.server_seed_hash,
            "client": proof.client_seed,
            "n": proof.nonce,
            "at": played.at,
        },
    )
    return int(round_id)


async def page(
    session: AsyncSession,
    user_id: int,
    *,
    game: str | None,
    since: datetime | None = None,
    after_id: int | None,
    limit: int,
) -> list[GameRound]:
    """A page of the player's plays, newest first; with `since`, from then on (its cost is
    the rows since then: database.rows_since)."""
    query = select(GameRound).where(GameRound.user_id == user_id)
    if game is not None:
        query = query.where(GameRound.game == game)
    if since is not None:
        query = query.where(
            rows_since(GameRound.id, GameRound.user_id, GameRound.created_at, user_id, since)
        )
    if after_id is not None:
        query = query.where(GameRound.id < after_id)
    return list((await session.scalars(query.order_by(GameRound.id.desc()).limit(limit))).all())


async def owned(session: AsyncSession, user_id: int, ids: Sequence[int]) -> list[GameRound]:
    """The player's plays among `ids` (another player's are not found)."""
    query = select(GameRound).where(GameRound.user_id == user_id, GameRound.id.in_(ids))
    return list((await session.scalars(query)).all())
