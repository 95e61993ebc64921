"""The wheel's state: each player's free spin of a game day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql import Executable

from casino_club.persistence.driver import Statements
from casino_club.persistence.models import WheelFreeSpin, table

_free_spins = table(WheelFreeSpin)


def _take_statement(insert: Callable[[Table], Any]) -> Executable:
    """TAKE in one dialect: the day's free spin, unless taken (the primary key holds it
    to one a day); returns the row only when this statement took it."""
    statement: Executable = (
        insert(_free_spins)
        .values(user_id=bindparam("uid"), day=bindparam("of_day"), spun_at=bindparam("at"))
        .on_conflict_do_nothing(index_elements=[_free_spins.c.user_id, _free_spins.c.day])
        .returning(_free_spins.c.user_id)
    )
    return statement


_TAKE = {"postgresql": _take_statement(postgresql.insert), "sqlite": _take_statement(sqlite.insert)}


async def take_free_spin(db: Statements, user_id: int, day: date, now: datetime) -> bool:
    """Whether the player's spin is the game day's free one (taking it if so). Concurrent
    spins of one player queue on the seed row their bets hold, so one takes it."""
    values = {"uid": user_id, "of_day": day, "at": now}
    return bool(await db.rows(_TAKE[db.dialect], values))
