"""The one way a bet is placed and settled, shared by every instant game.

play(): stake limits (for games with a stake) → rate limit → the game's work, with Redis
outages turned into SERVICE_UNAVAILABLE; a retry of a request that already completed
gets its stored result even when the rate limit or Redis would refuse it. settle(): in
one transaction, the idempotency key (claimed first), the nonce, the game's decision,
the ledger (bet, then win), the history row and the stored result; events are
published after the commit.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, Self, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.context import Context, Viewer
from casino_club.domain.fairness import FairnessProof
from casino_club.domain.games import Game, GameEventType
from casino_club.domain.ledger import LedgerReason
from casino_club.persistence import fairness, game_rounds, idempotency, wallet
from casino_club.persistence.idempotency import Claimed, KeyRequest
from casino_club.persistence.unit_of_work import UnitOfWork
from casino_club.persistence.wallet import InsufficientGold, Movement, Posted
from casino_club.resolvers.guards import key_request, rate_limited, run_idempotent, stored_answer
from casino_club.resolvers.live import balance_events, game_event, publish_to_user
from casino_club.schema.errors import ValidationFailed
from casino_club.schema.games import (
    IdempotencyKeyInUse,
    IdempotencyKeyReused,
    InsufficientFunds,
    InvalidStake,
    RateLimited,
)
from casino_club.schema.permissions import ServiceUnavailable


class Replayable(Protocol):
    """A success result that can be stored with its idempotency key and replayed."""

    def to_payload(self) -> dict[str, Any]: ...

    @classmethod
    def from_payload(cls, payload: dict[str, Any], *, replayed: bool) -> Self: ...


R = TypeVar("R", bound=Replayable)
E = TypeVar("E")


@dataclass(frozen=True, slots=True)
class GameBook:
    """How a game's money, events and idempotency keys are labelled."""

    game: Game
    operation: str  # the GraphQL mutation's name
    bet: LedgerReason
    win: LedgerReason
    event: GameEventType


@dataclass(frozen=True, slots=True)
class Decision:
    payout: int
    outcome: dict[str, Any]
    # Slots: the win streak after this spin, stored on the seed row the bet holds.
    slot_win_streak: int | None = None


@dataclass(frozen=True, slots=True)
class Settled:
    round_id: int
    stake: int
    payout: int
    balance: int
    proof: FairnessProof
    outcome: dict[str, Any]


async def play(
    context: Context,
    viewer: Viewer,
    *,
    stake: int | None,
    stake_limits: tuple[int, int] | None,
    key: str | None,
    operation: str,
    parameters: dict[str, Any],
    work: Callable[[KeyRequest | None], Awaitable[R | E]],
    replay: Callable[[dict[str, Any]], R],
) -> (
    R
    | E
    | InvalidStake
    | RateLimited
    | IdempotencyKeyReused
    | IdempotencyKeyInUse
    | ValidationFailed
):
    if stake is not None and stake_limits is not None:
        low, high = stake_limits
        if not low <= stake <= high:
            return InvalidStake.new(low, high)
        parameters = {"stake": stake, **parameters}
    request = key_request(context, viewer, key=key, operation=operation, parameters=parameters)
    if isinstance(request, ValidationFailed):
        return request
    try:
        limited = await rate_limited(context, viewer)
    except ServiceUnavailable:
        # A retry of what already happened is answered from the database alone.
        if request is not None and (answer := await stored_answer(context, request, replay)):
            return answer
        raise
    if limited is not None:
        if request is not None and (answer := await stored_answer(context, request, replay)):
            return answer
        return limited
    return await run_idempotent(context, request, work=work, replay=replay)


async def claim_key(
    session: AsyncSession, request: KeyRequest | None, now: datetime
) -> Claimed | None:
    """Claim the request's key (if any) as the first step of its money transaction."""
    return None if request is None else await idempotency.claim(session, request, now)


async def settle(
    context: Context,
    viewer: Viewer,
    *,
    book: GameBook,
    stake: int,
    request: KeyRequest | None,
    decide: Callable[[fairness.Round], Decision],
    respond: Callable[[Settled], R],
) -> R | InsufficientFunds:
    services = context.services
    now = services.clock.now()
    async with services.unit_of_work() as uow:
        session = uow.session
        claim = await claim_key(session, request, now)
        fair_round = await fairness.next_round(session, viewer.id)
        decision = decide(fair_round)
        proof = fair_round.proof
        reference = f"{book.game.value.lower()}:{fair_round.seed_id}:{proof.nonce}"
        movements = [Movement(-stake, book.bet, reference)]
        if decision.payout:
            movements.append(Movement(decision.payout, book.win, reference))
        charged = await charge(session, viewer, movements, stake, now)
        if isinstance(charged, InsufficientFunds):
            return charged
        posted, balance = charged
        streak = decision.slot_win_streak
        if streak is not None:
            await fairness.set_slot_win_streak(session, fair_round.seed_id, streak)
        round_id = await game_rounds.record(
            session,
            user_id=viewer.id,
            game=book.game.value,
            stake=stake,
            payout=decision.payout,
            outcome=decision.outcome,
            seed_id=fair_round.seed_id,
            proof=fair_round.proof,
            now=now,
        )
        result = respond(
            Settled(
                round_id=round_id,
                stake=stake,
                payout=decision.payout,
                balance=balance,
                proof=proof,
                outcome=decision.outcome,
            )
        )
        await commit_round(
            context,
            viewer,
            uow,
            claim=claim,
            result=result,
            posted=posted,
            event=book.event,
            round_id=round_id,
            data={**decision.outcome, "stake": stake, "payout": decision.payout},
            now=now,
        )
    return result


async def instant_bet(
    context: Context,
    viewer: Viewer,
    *,
    book: GameBook,
    stake: int,
    stake_limits: tuple[int, int],
    key: str | None,
    parameters: dict[str, Any],
    decide: Callable[[fairness.Round], Decision],
    respond: Callable[[Settled], R],
    success: type[R],
) -> (
    R
    | InsufficientFunds
    | InvalidStake
    | RateLimited
    | IdempotencyKeyReused
    | IdempotencyKeyInUse
    | ValidationFailed
):
    """play() + settle() for a game whose whole round is one decision on one stake."""

    async def work(request: KeyRequest | None) -> R | InsufficientFunds:
        return await settle(
            context, viewer, book=book, stake=stake, request=request, decide=decide, respond=respond
        )

    def replay(payload: dict[str, Any]) -> R:
        return success.from_payload(payload, replayed=True)

    return await play(
        context,
        viewer,
        stake=stake,
        stake_limits=stake_limits,
        key=key,
        operation=book.operation,
        parameters=parameters,
        work=work,
        replay=replay,
    )


async def charge(
    session: AsyncSession,
    viewer: Viewer,
    movements: Sequence[Movement],
    required: int,
    now: datetime,
) -> tuple[list[Posted], int] | InsufficientFunds:
    """Post the movements (if any); the ledger rows written and the balance after them."""
    if not movements:
        return [], await wallet.balance_of(session, viewer.id)
    try:
        posted = await wallet.move_gold(session, user_id=viewer.id, movements=movements, now=now)
    except InsufficientGold:
        return InsufficientFunds.new(required, await wallet.balance_of(session, viewer.id))
    return posted, posted[-1].balance_after


async def commit_round(
    context: Context,
    viewer: Viewer,
    uow: UnitOfWork,
    *,
    claim: Claimed | None,
    result: Replayable,
    posted: Sequence[Posted],
    event: GameEventType,
    round_id: int,
    data: dict[str, Any],
    now: datetime,
) -> None:
    """Store the idempotent result, commit, then publish the balance and game events."""
    services = context.services
    if claim is not None:
        await idempotency.complete(uow.session, claim, result.to_payload(), now)
    events = [
        *balance_events(posted, now),
        game_event(event, round_id=round_id, data=data, at=now),
    ]

    async def publish() -> None:
        await publish_to_user(services, viewer.id, events)

    uow.after_commit(publish)
    await uow.commit()
