"""The one way a bet is placed, shared by every game.

A bet's life: `guarded()` checks what can be checked before any write (stake limits,
the idempotency key, the rate limit; a retry of a request that already completed gets
its stored result even when the rate limit or Redis would refuse it) → the writes, in
one transaction (`persistence.bets` for an instant bet: a `Wager`, the game's rule
turning the fair round into an `Outcome`, the `Written` rows) → after the commit, the
balance and game events. `instant_bet()` is that whole life for slots, dice and RPS;
games with more steps (gacha, wheel, crash) write through `post_gold` and
`commit_and_publish` in their own unit of work.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, Self, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.context import Context, Viewer
from casino_club.domain.games import Game, GameEventType
from casino_club.domain.ledger import LedgerReason
from casino_club.persistence import idempotency, wallet
from casino_club.persistence.bets import RuleOf, Wager, Written
from casino_club.persistence.idempotency import Claimed, KeyRequest
from casino_club.persistence.unit_of_work import UnitOfWork
from casino_club.persistence.wallet import Movement, Posted, ShortOfGold
from casino_club.resolvers.guards import key_request, rate_limited, run_idempotent, stored_answer
from casino_club.resolvers.live import bet_events, publish
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
class BetKind:
    """What a game's bets are called: in the ledger, in events, and under idempotency keys."""

    game: Game
    operation: str  # the GraphQL mutation's name
    stake_reason: LedgerReason
    win_reason: LedgerReason
    event: GameEventType


async def guarded(
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
    """Run `work` (the bet's writes) once the request passed every check before them."""
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


async def instant_bet(
    context: Context,
    viewer: Viewer,
    *,
    kind: BetKind,
    stake: int,
    stake_limits: tuple[int, int],
    key: str | None,
    parameters: dict[str, Any],
    rule: RuleOf,
    result: Callable[[Written], R],
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
    """A game whose whole round is one outcome of one stake: guarded, written, published.

    `rule` is the game: it turns the fair round into an `Outcome` (pure, no I/O).
    `result` turns what was written into the mutation's answer.
    """
    services = context.services

    async def write(request: KeyRequest | None) -> R | InsufficientFunds:
        now = services.clock.now()
        wager = Wager(
            viewer.id, kind.game.value, stake, kind.stake_reason, kind.win_reason, request, now
        )
        written = await services.bets.place(wager, rule, lambda w: result(w).to_payload())
        if isinstance(written, ShortOfGold):
            return InsufficientFunds.new(written.required, written.balance)
        outcome = written.outcome
        data = {**outcome.details, "stake": stake, "payout": outcome.payout}
        await publish(
            services,
            viewer.id,
            bet_events(written.posted, kind.event, round_id=written.round_id, data=data, at=now),
        )
        return result(written)

    def replay(payload: dict[str, Any]) -> R:
        return success.from_payload(payload, replayed=True)

    return await guarded(
        context,
        viewer,
        stake=stake,
        stake_limits=stake_limits,
        key=key,
        operation=kind.operation,
        parameters=parameters,
        work=write,
        replay=replay,
    )


async def post_gold(
    session: AsyncSession,
    viewer: Viewer,
    movements: Sequence[Movement],
    now: datetime,
) -> tuple[list[Posted], int] | InsufficientFunds:
    """Debit and credit the movements (if any) through the ledger; the rows written and
    the balance after them, or InsufficientFunds (then the caller rolls back)."""
    if not movements:
        return [], await wallet.balance_of(session, viewer.id)
    posted = await wallet.move_gold_if_covered(
        session, user_id=viewer.id, movements=movements, now=now
    )
    if isinstance(posted, ShortOfGold):
        return InsufficientFunds.new(posted.required, posted.balance)
    return posted, posted[-1].balance_after


async def commit_and_publish(
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
    events = bet_events(posted, event, round_id=round_id, data=data, at=now)

    async def after_commit() -> None:
        await publish(services, viewer.id, events)

    uow.after_commit(after_commit)
    await uow.commit()
