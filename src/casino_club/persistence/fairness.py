"""Players' seeds and nonces. The nonce advances inside the bet's transaction, so a bet
that is refused or rolled back leaves it where it was."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.domain.fairness import SEED_BYTES, FairnessInput, FairnessProof, seed_hash
from casino_club.persistence.driver import Statements, statements
from casino_club.persistence.models import FairnessSeed, table


@dataclass(frozen=True, slots=True)
class Round:
    """The randomness of one bet: which seed, and the inputs of its stream.

    A bet writes only while it holds the player's seed row with this round still next
    (taken under the lock, or checked by the statement that settles it), so the slot
    win streak read with it is the player's, not a concurrent spin's.
    """

    seed_id: int
    source: FairnessInput
    slot_win_streak: int = 0

    @property
    def proof(self) -> FairnessProof:
        return FairnessProof(
            server_seed_hash=seed_hash(self.source.server_seed),
            client_seed=self.source.client_seed,
            nonce=self.source.nonce,
        )


class ProvedRow(Protocol):
    """A stored play that carries the proof it was made with (history, crash rounds)."""

    @property
    def server_seed_hash(self) -> str: ...

    @property
    def client_seed(self) -> str: ...

    @property
    def nonce(self) -> int: ...


def proof_of(row: ProvedRow) -> FairnessProof:
    return FairnessProof(
        server_seed_hash=row.server_seed_hash, client_seed=row.client_seed, nonce=row.nonce
    )


def new_client_seed() -> str:
    return secrets.token_hex(8)


async def open_seed(
    session: AsyncSession,
    user_id: int,
    client_seed: str,
    now: datetime,
    *,
    slot_win_streak: int = 0,
) -> FairnessSeed:
    seed = secrets.token_bytes(SEED_BYTES)
    row = FairnessSeed(
        user_id=user_id,
        server_seed=seed.hex(),
        server_seed_hash=seed_hash(seed),
        client_seed=client_seed,
        nonce=0,
        active=True,
        created_at=now,
        slot_win_streak=slot_win_streak,
    )
    session.add(row)
    await session.flush()
    return row


_seeds = table(FairnessSeed)
_ROUND_COLUMNS = (_seeds.c.id, _seeds.c.server_seed, _seeds.c.client_seed)
# Table-level statements, built once, skip the ORM's bulk-update machinery (LOCK_ROUND
# also runs on the driver itself in `postgres_bets`). Both return the round a bet takes:
# seed id, server seed, client seed, the nonce the bet uses, the slot win streak.
ADVANCE_NONCE = (
    update(_seeds)
    .where(_seeds.c.user_id == bindparam("uid"), _seeds.c.active.is_(True))
    .values(nonce=_seeds.c.nonce + 1)
    .returning(*_ROUND_COLUMNS, (_seeds.c.nonce - 1).label("nonce"), _seeds.c.slot_win_streak)
)
# The same round, locked but not yet taken: the statement that settles the bet advances
# the nonce (`postgres_bets.SETTLE`).
LOCK_ROUND = (
    select(*_ROUND_COLUMNS, _seeds.c.nonce, _seeds.c.slot_win_streak)
    .where(_seeds.c.user_id == bindparam("uid"), _seeds.c.active.is_(True))
    .with_for_update()
)
_SET_STREAK = (
    update(_seeds).where(_seeds.c.id == bindparam("sid")).values(slot_win_streak=bindparam("s"))
)
# A rotation that commits while a bet waits for the seed row leaves that bet's statement
# with nothing to match (the row it waited for is no longer active, and the new one is
# newer than its snapshot); the next statement sees the new seed.
ROTATION_RETRIES = 10

RoundRow = Sequence[Any]


async def take_round(fetch: Callable[[], Awaitable[RoundRow | None]], user_id: int) -> Round:
    """Run ADVANCE_NONCE or LOCK_ROUND (through `fetch`) until it matches: the round."""
    for _ in range(ROTATION_RETRIES):
        row = await fetch()
        if row is not None:
            seed_id, server_seed, client_seed, nonce, streak = row
            return Round(
                seed_id=int(seed_id),
                source=FairnessInput(bytes.fromhex(server_seed), str(client_seed), int(nonce)),
                slot_win_streak=int(streak),
            )
    raise LookupError(f"user {user_id} has no active seed")


async def next_round(on: AsyncSession | Statements, user_id: int) -> Round:
    """Take the active seed's current nonce and advance it, atomically."""
    db = statements(on)

    async def advance() -> RoundRow | None:
        found = await db.rows(ADVANCE_NONCE, {"uid": user_id})
        return tuple(found[0].values()) if found else None

    return await take_round(advance, user_id)


async def set_slot_win_streak(on: AsyncSession | Statements, seed_id: int, streak: int) -> None:
    """Store the streak after a spin, on the seed row the spin holds."""
    await statements(on).execute(_SET_STREAK, {"sid": seed_id, "s": streak})


async def active_seed(session: AsyncSession, user_id: int) -> FairnessSeed:
    row = await session.scalar(
        select(FairnessSeed).where(FairnessSeed.user_id == user_id, FairnessSeed.active.is_(True))
    )
    if row is None:
        raise LookupError(f"user {user_id} has no active seed")
    return row


async def revealed_seeds(session: AsyncSession, user_id: int, limit: int) -> Sequence[FairnessSeed]:
    """A player's retired (so revealed) seeds, newest first."""
    rows = await session.scalars(
        select(FairnessSeed)
        .where(FairnessSeed.user_id == user_id, FairnessSeed.active.is_(False))
        .order_by(FairnessSeed.id.desc())
        .limit(limit)
    )
    return rows.all()


async def set_client_seed(session: AsyncSession, user_id: int, client_seed: str) -> FairnessSeed:
    await session.execute(
        update(FairnessSeed)
        .where(FairnessSeed.user_id == user_id, FairnessSeed.active.is_(True))
        .values(client_seed=client_seed)
    )
    return await active_seed(session, user_id)


async def lock_active_seed(session: AsyncSession, user_id: int) -> FairnessSeed:
    """The active seed, locked as a bet locks it: bets and rotations of a player queue."""
    query = (
        select(FairnessSeed)
        .where(FairnessSeed.user_id == user_id, FairnessSeed.active.is_(True))
        .with_for_update()
    )
    for _ in range(ROTATION_RETRIES):  # as in next_round: a rotation may have won the lock
        row = await session.scalar(query)
        if row is not None:
            return row
    raise LookupError(f"user {user_id} has no active seed")


async def rotate(
    session: AsyncSession, old: FairnessSeed, client_seed: str, now: datetime
) -> FairnessSeed:
    """Retire (and so reveal) `old`, which the caller holds locked; returns the new seed.

    The slot win streak is the player's, not the seed's: it carries over.
    """
    await session.execute(
        update(FairnessSeed).where(FairnessSeed.id == old.id).values(active=False, revealed_at=now)
    )
    await session.refresh(old)
    return await open_seed(
        session, old.user_id, client_seed, now, slot_win_streak=old.slot_win_streak
    )
