"""The writes of one instant bet, in one transaction: the idempotency key (claimed first),
the player's next fair round, the outcome the game's rule makes of it, the gold (stake,
then payout) with its ledger rows, the slot win streak, the history row and the answer
stored under the key. Commit all or nothing.

Two stores do exactly this. `SessionBetStore` goes through the SQLAlchemy session, on
any backend (embedded SQLite uses it). `PostgresBetStore` (in `postgres_bets`) talks to
the driver directly: the same writes, usually in one statement, and no ORM machinery,
since every game's bet runs through here and its CPU is the server's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from casino_club.domain.ledger import (
    LedgerReason,
    Movement,
    Posted,
    play_movements,
    round_reference,
)
from casino_club.domain.limits import LossLimitHit
from casino_club.domain.missions import Periods
from casino_club.domain.progression import NOTHING, Progression
from casino_club.persistence import fairness, game_rounds, idempotency, limits, wallet
from casino_club.persistence.fairness import Round
from casino_club.persistence.game_rounds import Played
from casino_club.persistence.idempotency import KeyRequest
from casino_club.persistence.wallet import ShortOfGold


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
class Written:
    """A committed bet: its history row, the balance after it, the ledger rows, and what
    it moved forward (level, missions)."""

    round_id: int
    balance: int
    posted: list[Posted]
    fair_round: Round
    outcome: Outcome
    progression: Progression = NOTHING


RuleOf = Callable[[Round], Outcome]
# The outcome stored under the bet's idempotency key, made from what was written.
AnswerOf = Callable[[Written], object]


# What a bet's store answers instead of writing it: short gold, or the loss limit.
Refusal = ShortOfGold | LossLimitHit


class BetStore(Protocol):
    async def place(self, wager: Wager, rule: RuleOf, answer: AnswerOf) -> Written | Refusal: ...


def movements(wager: Wager, fair_round: Round, payout: int) -> list[Movement]:
    """The wager's ledger rows (`ledger.play_movements`), referenced by its round."""
    reference = round_reference(wager.game, fair_round.seed_id, fair_round.source.nonce)
    return play_movements(reference, wager.stake, wager.stake_reason, payout, wager.win_reason)


def played(
    wager: Wager, fair_round: Round, payout: int, details: dict[str, Any], units: int = 1
) -> Played:
    """The bet as history records it, once its outcome is known."""
    return Played(
        user_id=wager.user_id,
        game=wager.game,
        stake=wager.stake,
        payout=payout,
        outcome=details,
        seed_id=fair_round.seed_id,
        proof=fair_round.proof,
        at=wager.placed_at,
        periods=wager.periods,
        units=units,
    )


class SessionBetStore:
    """The bet's writes through the SQLAlchemy session: any backend."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker

    async def place(self, wager: Wager, rule: RuleOf, answer: AnswerOf) -> Written | Refusal:
        async with self._sessionmaker() as session:
            written = await self._write(session, wager, rule, answer)
            if isinstance(written, Written):
                await session.commit()
        # Refused: closing the session rolled everything back, the nonce and key too.
        return written

    @staticmethod
    async def _write(
        session: AsyncSession, wager: Wager, rule: RuleOf, answer: AnswerOf
    ) -> Written | Refusal:
        now = wager.placed_at
        claim = await idempotency.claim_if_keyed(session, wager.key, now)
        fair_round = await fairness.next_round(session, wager.user_id)
        if wager.loss_day_start is not None:
            over = await limits.check_loss(
                session, wager.user_id, wager.stake, wager.loss_day_start, now
            )
            if over is not None:
                return over
        outcome = rule(fair_round)
        posted = await wallet.move_gold_if_covered(
            session,
            user_id=wager.user_id,
            movements=movements(wager, fair_round, outcome.payout),
            now=now,
        )
        if isinstance(posted, ShortOfGold):
            return posted
        if outcome.slot_win_streak is not None:
            await fairness.set_slot_win_streak(session, fair_round.seed_id, outcome.slot_win_streak)
        recorded = await game_rounds.record(
            session, played(wager, fair_round, outcome.payout, outcome.details)
        )
        written = Written(
            recorded.round_id,
            posted[-1].balance_after,
            posted,
            fair_round,
            outcome,
            recorded.progression,
        )
        if claim is not None:
            await idempotency.complete(session, claim, answer(written), now)
        return written
