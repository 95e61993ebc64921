"""Each player's per-game totals (SPEC §9.1), and the experience they hold.

A finished play adds to its game's row in the play's own transaction
(`game_rounds.record`, or the `stats` step of `postgres_bets.SETTLE`), so the totals
always agree with history and the ledger. A player's experience is what check-ins and
rewards gave (`users.xp`) plus what play earned (domain/stats.py), read with TOTAL_XP.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Executable, bindparam, case, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.domain.stats import GOLD_PER_XP, PlayTotals, xp_for
from casino_club.persistence.driver import Statements, statements
from casino_club.persistence.models import PlayerStats, User, table

_stats, _users = table(PlayerStats), table(User)


def _play_xp_of(user_id: ColumnElement[int]) -> ColumnElement[int]:
    return (
        select(func.coalesce(func.sum(_stats.c.staked // GOLD_PER_XP), 0))
        .where(_stats.c.user_id == user_id)
        .scalar_subquery()
    )


# A user row's whole experience, for any statement that selects from `users`.
TOTAL_XP: ColumnElement[int] = (_users.c.xp + _play_xp_of(_users.c.id)).label("xp")


def _count_statement(insert: Callable[..., Any]) -> Executable:
    """COUNT in one dialect: built once (it runs for every play). Bind names differ from
    the columns': SQLAlchemy reserves those in an INSERT."""
    proposed = insert(PlayerStats).values(
        user_id=bindparam("uid"),
        game=bindparam("of_game"),
        plays=1,
        wins=bindparam("win"),
        losses=bindparam("loss"),
        staked=bindparam("stake"),
        paid=bindparam("payout"),
        biggest_win=bindparam("payout"),
        best_multiplier=bindparam("multiplier"),
    )
    new = proposed.excluded
    statement: Executable = proposed.on_conflict_do_update(
        index_elements=[PlayerStats.user_id, PlayerStats.game],
        set_={
            "plays": PlayerStats.plays + 1,
            "wins": PlayerStats.wins + new.wins,
            "losses": PlayerStats.losses + new.losses,
            "staked": PlayerStats.staked + new.staked,
            "paid": PlayerStats.paid + new.paid,
            "biggest_win": case(
                (new.biggest_win > PlayerStats.biggest_win, new.biggest_win),
                else_=PlayerStats.biggest_win,
            ),
            "best_multiplier": case(
                (new.best_multiplier > PlayerStats.best_multiplier, new.best_multiplier),
                else_=PlayerStats.best_multiplier,
            ),
        },
    ).returning(PlayerStats.staked)
    return statement


# A finished play added to its game's totals; returns the game's total stake after it.
COUNT = {
    "postgresql": _count_statement(postgresql.insert),
    "sqlite": _count_statement(sqlite.insert),
}
_XP_OF = select(TOTAL_XP).where(_users.c.id == bindparam("uid"))


async def count(on: AsyncSession | Statements, user_id: int, game: str, play: PlayTotals) -> int:
    """Add a finished play to its game's totals; the XP its stake earned."""
    values = {
        "uid": user_id,
        "of_game": game,
        "win": play.win,
        "loss": play.loss,
        "stake": play.stake,
        "payout": play.payout,
        "multiplier": play.multiplier or 0,
    }
    db = statements(on)
    staked = await db.value(COUNT[db.dialect], values)
    assert staked is not None
    return xp_for(int(staked) - play.stake, play.stake)


async def xp_of(on: AsyncSession | Statements, user_id: int) -> int:
    """One player's whole experience."""
    return int(await statements(on).value(_XP_OF, {"uid": user_id}) or 0)


async def of(session: AsyncSession, user_id: int) -> list[PlayerStats]:
    rows = await session.scalars(
        select(PlayerStats).where(PlayerStats.user_id == user_id).order_by(PlayerStats.game)
    )
    return list(rows)


async def total_xp(session: AsyncSession, user_ids: Sequence[int]) -> dict[int, int]:
    """Each player's whole experience (players that do not exist are left out)."""
    rows = await session.execute(select(_users.c.id, TOTAL_XP).where(_users.c.id.in_(user_ids)))
    return {int(user_id): int(xp) for user_id, xp in rows}
