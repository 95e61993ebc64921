"""The economy's daily totals (domain/economy.py), rolled up from the ledger.

Summing the ledger for each report would read every row of the period; instead a job
reads each ledger row once, in id order and in chunks, and adds it to its day and
reason in `economy_days`. Its place is one row, locked while a chunk is added, so the
job may run on every instance at once without counting a row twice.

Ledger ids are handed out when a row is inserted, not when its transaction commits, so
the newest id visible now may be followed by a smaller one committing a moment later.
The rollup therefore reads, on each run, only up to the newest id it saw on the run
before: a transaction open that long ago has committed (or rolled back) since.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.domain.economy import Flow, tally
from casino_club.persistence.database import insert_for
from casino_club.persistence.models import EconomyDay, EconomyRollup, LedgerEntry, Wallet, table

_ledger = table(LedgerEntry)
_ROLLUP_ID = 1


async def _place(session: AsyncSession) -> EconomyRollup:
    """The rollup's one row, created the first time, locked until the transaction ends."""
    await session.execute(
        insert_for(session, EconomyRollup)
        .values(id=_ROLLUP_ID, done_through=0, next_through=0)
        .on_conflict_do_nothing(index_elements=[EconomyRollup.id])
    )
    place = await session.scalar(
        select(EconomyRollup)
        .where(EconomyRollup.id == _ROLLUP_ID)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert place is not None
    return place


async def roll_up_chunk(
    session: AsyncSession, zone: ZoneInfo, now: datetime, *, chunk: int
) -> int | None:
    """Add the next `chunk` ledger ids to the daily totals, in the caller's transaction;
    the rows read, or None once caught up (having noted what to read next time)."""
    place = await _place(session)
    if place.done_through >= place.next_through:
        newest = await session.scalar(select(func.max(_ledger.c.id)))
        place.complete_as_of = place.next_seen_at
        place.next_through = max(int(newest or 0), place.done_through)
        place.next_seen_at = now
        return None
    upto = min(place.done_through + chunk, place.next_through)
    rows = (
        await session.execute(
            select(_ledger.c.amount, _ledger.c.reason, _ledger.c.created_at).where(
                _ledger.c.id > place.done_through, _ledger.c.id <= upto
            )
        )
    ).all()
    for (day, reason), flow in tally(rows, zone).items():
        await _add(session, day, reason, flow)
    place.done_through = upto
    return len(rows)


async def _add(session: AsyncSession, day: date, reason: str, flow: Flow) -> None:
    statement = insert_for(session, EconomyDay).values(
        day=day, reason=reason, issued=flow.issued, sunk=flow.sunk, movements=flow.movements
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[EconomyDay.day, EconomyDay.reason],
            set_={
                "issued": EconomyDay.issued + statement.excluded.issued,
                "sunk": EconomyDay.sunk + statement.excluded.sunk,
                "movements": EconomyDay.movements + statement.excluded.movements,
            },
        )
    )


async def days(session: AsyncSession, first: date, last: date) -> dict[tuple[date, str], Flow]:
    """The totals of first..last (inclusive), per day and reason."""
    rows = await session.scalars(
        select(EconomyDay).where(EconomyDay.day >= first, EconomyDay.day <= last)
    )
    return {(row.day, row.reason): Flow(row.issued, row.sunk, row.movements) for row in rows}


async def complete_as_of(session: AsyncSession) -> datetime | None:
    """Every movement before this instant is in the totals (None: none counted yet)."""
    return await session.scalar(
        select(EconomyRollup.complete_as_of).where(EconomyRollup.id == _ROLLUP_ID)
    )


async def circulation(session: AsyncSession) -> int:
    """The gold in every wallet now."""
    return int(await session.scalar(select(func.coalesce(func.sum(Wallet.gold), 0))) or 0)
