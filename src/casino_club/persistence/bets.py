"""The one bet transaction, for every game: the idempotency key (claimed first), the
player's next fair round, the game's decision on it, the daily loss limit, the gold
(cost, then payout) with its ledger rows, the slot win streak, the finished play
recorded (or, for a round that goes on, the bet counted towards missions), and the
answer stored under the key. Committed all or nothing.

`write` is that transaction, through the SQLAlchemy session (any backend). A game
decides inside it, on the fair round the transaction took (`Decide`): an instant game's
rule is pure and reads nothing (`SessionBetStore`), a staged game reads and writes state
of its own (resolvers/betting.place_staged).

Bets go through a `BetStore`: an instant bet by `place`, a staged one in `staged()`,
where the game decides through `Statements` (Core statements, run by whatever runs the
bet's transaction). `SessionBetStore` runs `write` (embedded SQLite uses it).
`PostgresBetStore` (in `postgres_bets`) talks to the driver directly: the same writes,
an instant bet's usually in one statement, and no ORM machinery, since every bet runs
through here and its CPU is the server's.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from casino_club.domain.ledger import (
    LedgerReason,
    Movement,
    Posted,
    play_movements,
    round_reference,
)
from casino_club.domain.limits import LossLimitHit
from casino_club.domain.missions import Periods, open_round_counts
from casino_club.domain.progression import NOTHING, Progression
from casino_club.persistence import fairness, game_rounds, idempotency, limits, missions, wallet
from casino_club.persistence.driver import SessionStatements, Statements, statements
from casino_club.persistence.fairness import Round
from casino_club.persistence.game_rounds import PlayRecord
from casino_club.persistence.idempotency import Announced, Claimed, KeyRequest
from casino_club.persistence.unit_of_work import AfterCommit, UnitOfWork
from casino_club.persistence.wallet import ShortOfGold

A = TypeVar("A")
E = TypeVar("E")


@dataclass(frozen=True, slots=True)
class Wager:
    """One bet as placed: whose, on which game, what it costs (0: a free play), under
    which key."""

    user_id: int
    game: str
    stake: int
    stake_reason: LedgerReason
    win_reason: LedgerReason
    key: KeyRequest | None
    placed_at: datetime
    periods: Periods  # the mission periods `placed_at` falls in
    # A player with a daily loss limit: the game day's start, from which the bet's
    # transaction sums what the day lost (persistence/limits.check_loss). None: no limit.
    loss_day_start: datetime | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a game's rule made of a fair round: the payout and what the player sees."""

    payout: int
    details: dict[str, Any]
    # Slots only: the win streak after this spin, kept on the seed row the bet holds.
    slot_win_streak: int | None = None


@dataclass(frozen=True, slots=True)
class SettledBet:
    """A committed bet: its history row, the balance after it, the ledger rows, and what
    it moved forward (level, missions)."""

    round_id: int
    balance: int
    posted: list[Posted]
    fair_round: Round
    outcome: Outcome
    progression: Progression = NOTHING


# The outcome stored under the bet's idempotency key, made from what was written.
AnswerOf = Callable[[SettledBet], object]
# What the bet announces once committed, made from what was written: stored under its
# key too, so that a retry answered from the key announces it again.
AnnouncedOf = Callable[[SettledBet], Announced]


@dataclass(frozen=True, slots=True)
class Settlement(Generic[A]):
    """What a game decided on its fair round, for `write` to settle: the wager (its cost
    known now), the outcome, and the answer and announcement made from the written bet
    (both stored under the key)."""

    wager: Wager
    outcome: Outcome
    answer: Callable[[SettledBet], A]
    announced: AnnouncedOf
    # A round that goes on (crash): its id. The bet counts towards missions now, the
    # play is recorded when the round ends.
    open_round: int | None = None
    units: int = 1  # gacha: the items drawn (missions count each)


# A game's decision inside the bet's transaction, on the round it took: a settlement,
# or why the game refuses the bet (`E`; the caller then rolls back what it wrote).
Decide = Callable[[Round], Awaitable[Settlement[Any] | E]]
RuleOf = Callable[[Round], Outcome]


# What a bet's writes answer instead of writing it: short gold, or the loss limit.
Refusal = ShortOfGold | LossLimitHit


class StagedBet(Protocol):
    """A staged game's bet in its transaction: the statements it runs (the game's own
    reads and writes, `db`), `write` (the bet's writes, around the game's decision),
    work to run once committed, and the commit. Leaving the store's `staged()` without
    committing rolls everything back."""

    @property
    def db(self) -> Statements: ...

    def after_commit(self, action: AfterCommit) -> None: ...

    async def write(
        self, user_id: int, key: KeyRequest | None, at: datetime, decide: Decide[E]
    ) -> SettledBet | Refusal | E: ...

    async def commit(self) -> None: ...


class BetStore(Protocol):
    async def place(
        self, wager: Wager, rule: RuleOf, answer: AnswerOf, announced: AnnouncedOf
    ) -> SettledBet | Refusal: ...

    def staged(self) -> AbstractAsyncContextManager[StagedBet]: ...


def movements(wager: Wager, fair_round: Round, payout: int) -> list[Movement]:
    """The wager's ledger rows (`ledger.play_movements`), referenced by its round."""
    reference = round_reference(wager.game, fair_round.seed_id, fair_round.source.nonce)
    return play_movements(reference, wager.stake, wager.stake_reason, payout, wager.win_reason)


async def write(
    on: AsyncSession | Statements,
    user_id: int,
    key: KeyRequest | None,
    at: datetime,
    decide: Decide[E],
) -> SettledBet | Refusal | E:
    """The bet's transaction up to its commit, which is the caller's: a refusal writes
    nothing once the caller rolls back (the round's nonce and the key's claim with it).
    `at`: when the key is claimed; everything after the decision happens at the wager's
    `placed_at`."""
    db = statements(on)
    claim = await idempotency.claim_if_keyed(db, key, at)
    fair_round = await fairness.next_round(db, user_id)
    settlement = await decide(fair_round)
    if not isinstance(settlement, Settlement):
        return settlement
    return await settle(db, claim, fair_round, settlement)


async def settle(
    db: Statements, claim: Claimed | None, fair_round: Round, settlement: Settlement[Any]
) -> SettledBet | Refusal:
    """`write` once the game decided on its round (the nonce taken): the loss limit, the
    gold, the streak, the play recorded (or the open round's bet counted), the key's
    answer."""
    wager, outcome = settlement.wager, settlement.outcome
    now = wager.placed_at
    if wager.loss_day_start is not None and wager.stake:
        over = await limits.check_loss(db, wager.user_id, wager.stake, wager.loss_day_start, now)
        if over is not None:
            return over
    moved = movements(wager, fair_round, outcome.payout)
    if moved:
        posted = await wallet.move_gold_if_covered(
            db, user_id=wager.user_id, movements=moved, now=now
        )
        if isinstance(posted, ShortOfGold):
            return posted
        balance = posted[-1].balance_after
    else:  # a free play
        posted, balance = [], await wallet.balance_of(db, wager.user_id)
    if outcome.slot_win_streak is not None:
        await fairness.set_slot_win_streak(db, fair_round.seed_id, outcome.slot_win_streak)
    if settlement.open_round is None:
        round_id, progression = await game_rounds.record(
            db, _played(wager, fair_round, outcome, settlement.units)
        )
    else:
        round_id = settlement.open_round
        advanced = await missions.advance(
            db, wager.user_id, open_round_counts(wager.stake), wager.periods, now
        )
        progression = Progression(missions=advanced)
    written = SettledBet(round_id, balance, posted, fair_round, outcome, progression)
    if claim is not None:
        stored, told = settlement.answer(written), settlement.announced(written)
        await idempotency.complete(db, claim, stored, now, told)
    return written


def _played(wager: Wager, fair_round: Round, outcome: Outcome, units: int) -> PlayRecord:
    """The bet as history records it, once its outcome is known."""
    return PlayRecord(
        user_id=wager.user_id,
        game=wager.game,
        stake=wager.stake,
        payout=outcome.payout,
        outcome=outcome.details,
        seed_id=fair_round.seed_id,
        proof=fair_round.proof,
        at=wager.placed_at,
        periods=wager.periods,
        units=units,
    )


class SessionStagedBet:
    """A staged bet's `write` in a unit of work: any backend."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self.db = SessionStatements(uow.session)

    def after_commit(self, action: AfterCommit) -> None:
        self._uow.after_commit(action)

    async def write(
        self, user_id: int, key: KeyRequest | None, at: datetime, decide: Decide[E]
    ) -> SettledBet | Refusal | E:
        return await write(self.db, user_id, key, at, decide)

    async def commit(self) -> None:
        await self._uow.commit()


class SessionBetStore:
    """A bet's `write` through the SQLAlchemy session: any backend."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker

    async def place(
        self, wager: Wager, rule: RuleOf, answer: AnswerOf, announced: AnnouncedOf
    ) -> SettledBet | Refusal:
        async def decide(fair_round: Round) -> Settlement[object]:
            # The rule is pure: it reads nothing.
            return Settlement(wager, rule(fair_round), answer, announced)

        async with self._sessionmaker() as session:
            written: SettledBet | Refusal = await write(
                session, wager.user_id, wager.key, wager.placed_at, decide
            )
            if isinstance(written, SettledBet):
                await session.commit()
        # Refused: closing the session rolled everything back, the nonce and key too.
        return written

    @asynccontextmanager
    async def staged(self) -> AsyncIterator[SessionStagedBet]:
        async with UnitOfWork(self._sessionmaker) as uow:
            yield SessionStagedBet(uow)
