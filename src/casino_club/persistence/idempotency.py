"""Idempotency keys for money mutations (SPEC §2.5, §7.6; Stripe's semantics).

A key is claimed *inside* the money transaction it guards, by its first statement: a
unique insert. So the key and the money move commit together or not at all, and there
is no claim that could outlive its request or be taken over while it runs:

- a duplicate that arrives while the first request runs waits on the unique index (or,
  on SQLite, on the database's single writer) until the first one ends; if it committed,
  the duplicate's insert conflicts, its transaction rolls back having changed nothing,
  and it answers with the stored result;
- a request that fails without moving money rolls back, and its key with it, so a retry
  runs again;
- a key past its retention is overwritten by the insert (the purge removes the rest).

A bet's key also keeps what the bet announced (`Announced`: its events and the key they
were published under), beside the answer in the same JSON: a retry that is answered
from the key re-announces them (resolvers/guards.stored_answer), so events lost with a
process killed between the bet's commit and its publish reach the player after all.

One exception: a purchase must not hold a transaction open while the payment provider
answers, so `buyProduct` commits its claim IN_PROGRESS with the PENDING purchase, and
whoever settles the purchase completes it (`complete_held`). Meanwhile a duplicate sees
IN_PROGRESS and answers IdempotencyKeyInUse; the stale-purchase sweeper bounds how long.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.sql import Executable

from casino_club.persistence import stored_outcomes
from casino_club.persistence.driver import Statements, statements
from casino_club.persistence.models import IdempotencyKey, table

IN_PROGRESS = "IN_PROGRESS"
COMPLETED = "COMPLETED"

_keys = table(IdempotencyKey)


@dataclass(frozen=True, slots=True)
class KeyRequest:
    """A request's key and what it asks for, before it is claimed."""

    user_id: int
    key: str
    operation: str
    fingerprint: str
    # A stored key created before this is expired: the insert may take it over.
    expired_before: datetime


@dataclass(frozen=True, slots=True)
class Claimed:
    record_id: int


@dataclass(frozen=True, slots=True)
class Announced:
    """What a key's work published after its commit: the player's events, and the key
    that names their publish (the same wherever they are published from)."""

    key: str
    events: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Replay:
    response: dict[str, Any]
    announced: Announced | None = None


# Where a stored answer keeps its Announced: no outcome's field can be named so (a field
# name is camelCased, stored_outcomes.camel), and an outcome read from a row ignores it.
_ANNOUNCED = "_announced"


@dataclass(frozen=True, slots=True)
class InUse:
    pass


@dataclass(frozen=True, slots=True)
class Reused:
    pass


class KeyTaken(Exception):
    """Another request holds or used this key: roll back and answer from `stored`."""


def fingerprint(operation: str, parameters: dict[str, Any]) -> str:
    canonical = orjson.dumps(
        {"operation": operation, "parameters": parameters}, option=orjson.OPT_SORT_KEYS
    )
    return hashlib.sha256(canonical).hexdigest()


def _claim_statement(insert: Callable[..., Any]) -> Executable:
    """Insert the key, or take over an expired one; its id, or nothing if a live one holds.

    (Bind names differ from the columns': SQLAlchemy reserves those in an INSERT.)
    """
    proposed = insert(_keys).values(
        user_id=bindparam("owner"),
        key=bindparam("name"),
        operation=bindparam("op"),
        fingerprint=bindparam("print"),
        state=IN_PROGRESS,
        response=None,
        created_at=bindparam("at"),
        completed_at=None,
    )
    replaced = ("operation", "fingerprint", "state", "response", "created_at", "completed_at")
    statement: Executable = proposed.on_conflict_do_update(
        index_elements=[_keys.c.user_id, _keys.c.key],
        set_={name: proposed.excluded[name] for name in replaced},
        where=_keys.c.created_at < bindparam("expired_before"),
    ).returning(_keys.c.id)
    return statement


CLAIM = {
    "postgresql": _claim_statement(postgresql.insert),
    "sqlite": _claim_statement(sqlite.insert),
}
COMPLETE = (
    update(_keys)
    .where(_keys.c.id == bindparam("record"))
    .values(state=COMPLETED, response=bindparam("answer"), completed_at=bindparam("at"))
)


def claim_values(request: KeyRequest, now: datetime) -> dict[str, Any]:
    return {
        "owner": request.user_id,
        "name": request.key,
        "op": request.operation,
        "print": request.fingerprint,
        "at": now,
        "expired_before": request.expired_before,
    }


def complete_values(
    claimed: Claimed, outcome: object, now: datetime, announced: Announced | None = None
) -> dict[str, Any]:
    stored = stored_outcomes.dump(outcome)
    if announced is not None:
        stored[_ANNOUNCED] = {"key": announced.key, "events": announced.events}
    return {"record": claimed.record_id, "answer": orjson.dumps(stored).decode(), "at": now}


async def claim(on: AsyncSession | Statements, request: KeyRequest, now: datetime) -> Claimed:
    """Insert the key in the caller's transaction; raises KeyTaken if a live one exists.

    Call it first in the transaction, before anything is locked or moved.
    """
    db = statements(on)
    return as_claim(request, await db.value(CLAIM[db.dialect], claim_values(request, now)))


async def claim_if_keyed(
    on: AsyncSession | Statements, request: KeyRequest | None, now: datetime
) -> Claimed | None:
    """`claim` for a request that may carry no key (then there is nothing to claim)."""
    return None if request is None else await claim(on, request, now)


def as_claim(request: KeyRequest, record_id: Any) -> Claimed:
    """The claim CLAIM's answer makes: KeyTaken when it returned no id."""
    if record_id is None:
        raise KeyTaken(request.key)
    return Claimed(int(record_id))


async def complete(
    on: AsyncSession | Statements,
    claimed: Claimed,
    outcome: object,
    now: datetime,
    announced: Announced | None = None,
) -> None:
    """Store the outcome (and what the work will announce), in the same transaction as
    the work it describes."""
    await statements(on).execute(COMPLETE, complete_values(claimed, outcome, now, announced))


async def complete_held(
    session: AsyncSession, user_id: int, key: str, outcome: object, now: datetime
) -> None:
    """Complete a key that was committed IN_PROGRESS (a purchase holds its key across
    the gateway call): whoever finishes the work stores the answer, once."""
    await session.execute(
        update(_keys)
        .where(_keys.c.user_id == user_id, _keys.c.key == key, _keys.c.state == IN_PROGRESS)
        .values(
            state=COMPLETED,
            response=orjson.dumps(stored_outcomes.dump(outcome)).decode(),
            completed_at=now,
        )
    )


async def stored(
    connection: AsyncConnection, request: KeyRequest
) -> Replay | Reused | InUse | None:
    """What is stored under the request's key: None if nothing live (absent or expired)."""
    row = (
        await connection.execute(
            select(
                _keys.c.operation,
                _keys.c.fingerprint,
                _keys.c.state,
                _keys.c.response,
                _keys.c.created_at,
            ).where(_keys.c.user_id == request.user_id, _keys.c.key == request.key)
        )
    ).one_or_none()
    if row is None or row.created_at < request.expired_before:
        return None
    operation, print_, state, response, _ = row
    if operation != request.operation or print_ != request.fingerprint:
        return Reused()
    if state == COMPLETED:
        stored_answer: dict[str, Any] = orjson.loads(response or "{}")
        announced = stored_answer.pop(_ANNOUNCED, None)
        if announced is None:
            return Replay(stored_answer)
        return Replay(stored_answer, Announced(announced["key"], announced["events"]))
    return InUse()


async def purge_expired(session: AsyncSession, before: datetime) -> int:
    result = await session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < before))
    return int(result.rowcount)  # type: ignore[attr-defined]
