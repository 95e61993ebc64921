"""The one way a bet is placed, shared by every game.

A bet's life has three steps, the same for every game:

1. **The request** (`BetRequest`), checked before anything is written: the stake
   against its limits, the idempotency key, the rate limit. A retry of a request that
   already completed gets its stored answer, even when the rate limit or Redis would
   refuse it.
2. **The decision**, inside the bet's transaction, from the player's next fair round.
   An `InstantGame` (slots, dice, RPS) has a pure rule: round in, `Outcome` out. A
   `StagedGame` (gacha, the wheel, crash) has state of its own — pity and stock, the
   day's free spin, an open round — that it reads and writes while deciding; its
   `Decision` says what the play cost and paid.
3. **The writes**, in that same transaction, and for every game the same
   (`persistence/bets.write`): the loss limit, the gold through the ledger (cost first),
   the finished play recorded (`game_rounds.record`, beside which everything that
   counts plays is written), the answer stored under the key, with the bet's events;
   the commit; then the balance and game events (`_announcement`).

A bet's events are published under a key named for the bet (its round), whoever
publishes them. A retry answered from the key's stored answer publishes them again
(guards.stored_answer) before it answers; the journal skips each channel that holds
them already. So a bet whose instance died between its commit and its publish is
announced by the client's retry, in order with the client's next action.

`place_instant` hands an instant game's rule to the bet store, which runs those writes
(on PostgreSQL usually as one statement, `postgres_bets.SETTLE`); `place_staged` runs
them in the bet store's transaction (`BetStore.staged`; on PostgreSQL the driver itself),
around the game's decision, which reads and writes through `OpenBet.db`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, NamedTuple, Protocol, TypeVar
from zoneinfo import ZoneInfo

from casino_club.context import Context, Viewer
from casino_club.domain.accounts import Role
from casino_club.domain.days import day_start, next_day_start
from casino_club.domain.errors import ServiceUnavailable
from casino_club.domain.games import Game, GameEventType
from casino_club.domain.ledger import PLAY_REASONS, LedgerReason
from casino_club.domain.limits import LossLimitHit
from casino_club.domain.missions import periods_at
from casino_club.domain.refusals import (
    BetRefusal,
    InDebt,
    InsufficientFunds,
    InvalidStake,
    LossLimitReached,
    OperatorsDoNotPlay,
    PlayerExcluded,
    Precheck,
    ValidationFailed,
)
from casino_club.persistence.bets import (
    AnnouncedOf,
    Outcome,
    SettledBet,
    Settlement,
    StagedBet,
    Wager,
)
from casino_club.persistence.driver import Statements
from casino_club.persistence.fairness import Round
from casino_club.persistence.idempotency import Announced, KeyRequest
from casino_club.persistence.unit_of_work import AfterCommit
from casino_club.persistence.wallet import ShortOfGold
from casino_club.resolvers import leaderboard_feed
from casino_club.resolvers.guards import key_request, rate_limited, run_idempotent, stored_answer
from casino_club.resolvers.leaderboard_feed import FinishedPlay
from casino_club.resolvers.live import bet_events, publish
from casino_club.services import Services

# A game's success outcome: a frozen dataclass, stored under the key as it is.
R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)
E = TypeVar("E")
E_co = TypeVar("E_co", covariant=True)
# What a bet's transaction answers: the success, or what its writes refused.
W = TypeVar("W")


@dataclass(frozen=True, slots=True)
class BetKind(Generic[R]):
    """What a game's bets are called — in the ledger, in events, under idempotency keys —
    and the outcome a successful one answers."""

    game: Game
    operation: str  # the GraphQL mutation's name
    event: GameEventType
    success: type[R]

    @property
    def stake_reason(self) -> LedgerReason:
        return PLAY_REASONS[self.game].cost

    @property
    def win_reason(self) -> LedgerReason:
        return PLAY_REASONS[self.game].payout

    def wager(self, bettor: Bettor, stake: int, key: KeyRequest | None, at: datetime) -> Wager:
        return Wager(
            bettor.user_id,
            self.game.value,
            stake,
            self.stake_reason,
            self.win_reason,
            key,
            at,
            periods_at(at, bettor.zone),
            loss_day_start=bettor.loss_day_start(at),
        )


@dataclass(frozen=True, slots=True)
class Bettor:
    """Who bets, as the bet's writes need it."""

    user_id: int
    loss_limited: bool  # a daily loss limit may apply: the bet's transaction checks it
    zone: ZoneInfo  # where the game day begins

    @classmethod
    def of(cls, context: Context, viewer: Viewer) -> Bettor:
        zone = context.services.settings.zone
        return cls(viewer.id, viewer.user.loss_limited, zone)

    def loss_day_start(self, at: datetime) -> datetime | None:
        return day_start(at, self.zone) if self.loss_limited else None


@dataclass(frozen=True, slots=True)
class BetRequest(Generic[R]):
    """A bet as the player asked for it."""

    kind: BetKind[R]
    key: str | None  # the idempotency key, as sent
    parameters: dict[str, Any]  # what the key stands for, besides the stake
    stake: int | None = None  # None: the game has no stake to check (gacha, wheel)
    stake_limits: tuple[int, int] | None = None


class InstantGame(Protocol[R_co]):
    """A game whose round is one outcome of one stake."""

    def outcome(self, fair_round: Round) -> Outcome:
        """The game's rule: what the fair round makes of the stake (pure)."""
        ...

    def answer(self, written: SettledBet) -> R_co:
        """The mutation's answer, from the committed bet."""
        ...


@dataclass(frozen=True, slots=True)
class OpenBet:
    """A staged game's bet while it decides: its transaction (to write in, not to
    commit), with the player's fair round taken and the seed row locked, so one
    player's bets run one at a time."""

    _bet: StagedBet
    user_id: int
    fair_round: Round
    now: datetime  # read once the seed row was held: one player's bets in time order

    @property
    def db(self) -> Statements:
        """The transaction's statements, on whatever runs it (the driver on PostgreSQL)."""
        return self._bet.db

    def after_commit(self, action: AfterCommit) -> None:
        self._bet.after_commit(action)


class BetReceipt(NamedTuple):
    """A staged bet once written: its round and the player's balance after it."""

    round_id: int
    balance: int


@dataclass(frozen=True, slots=True)
class Decision(Generic[R]):
    """What a staged game decided: the gold the play costs and pays, what the player
    sees (history and the game event), and how to answer once it is written."""

    cost: int
    payout: int
    details: dict[str, Any]
    answer: Callable[[BetReceipt], R]
    # A round that goes on (crash): its id; the play is recorded when the round ends.
    open_round: int | None = None
    units: int = 1  # gacha: the items drawn (missions count each)


class StagedGame(Protocol[R, E_co]):
    """A game with state of its own, decided inside the bet's transaction."""

    async def decide(self, bet: OpenBet) -> Decision[R] | E_co:
        """Read and write the game's state; a Decision, or why the bet is refused (then
        everything the bet wrote is rolled back)."""
        ...


async def place_instant(
    context: Context, viewer: Viewer, request: BetRequest[R], game: InstantGame[R]
) -> R | BetRefusal:
    """An instant game's bet: checked, written by the bet store, published."""
    services = context.services
    kind = request.kind
    assert request.stake is not None, "an instant game always has a stake"
    stake = request.stake
    bettor = Bettor.of(context, viewer)

    async def write(key: KeyRequest | None) -> R | InsufficientFunds | LossLimitReached:
        wager = kind.wager(bettor, stake, key, services.clock.now())
        announced = _announced(kind, wager)
        written = await services.bets.place(wager, game.outcome, game.answer, announced)
        if not isinstance(written, SettledBet):
            return _refused(written, wager, bettor)
        await _announcement(services, kind, wager, written)()
        return game.answer(written)

    return await _run_checked(context, viewer, request, write)


async def place_staged(
    context: Context, viewer: Viewer, request: BetRequest[R], game: StagedGame[R, E]
) -> R | E | BetRefusal:
    """A staged game's bet: checked, decided and written in one transaction (the bet
    store's, `BetStore.staged`: on PostgreSQL the driver itself, since the game reads
    and writes through `OpenBet.db`), published."""
    services = context.services
    kind = request.kind
    bettor = Bettor.of(context, viewer)

    async def write(key: KeyRequest | None) -> R | E | InsufficientFunds | LossLimitReached:
        async with services.bets.staged() as transaction:
            settled: Settlement[R] | None = None

            async def decide(fair_round: Round) -> Settlement[R] | E:
                nonlocal settled
                bet = OpenBet(transaction, viewer.id, fair_round, services.clock.now())
                decided = await game.decide(bet)
                if not isinstance(decided, Decision):
                    return decided
                wager = kind.wager(bettor, decided.cost, key, bet.now)
                settled = Settlement(
                    wager,
                    Outcome(decided.payout, decided.details),
                    lambda written: decided.answer(BetReceipt(written.round_id, written.balance)),
                    _announced(kind, wager, decided.open_round),
                    decided.open_round,
                    decided.units,
                )
                return settled

            written = await transaction.write(viewer.id, key, services.clock.now(), decide)
            if not isinstance(written, SettledBet):
                # Leaving the transaction uncommitted rolls back all the bet wrote.
                if isinstance(written, ShortOfGold | LossLimitHit):
                    assert settled is not None, "refused by the writes: the game had decided"
                    return _refused(written, settled.wager, bettor)
                return written
            assert settled is not None
            answer = settled.answer(written)
            transaction.after_commit(
                _announcement(services, kind, settled.wager, written, settled.open_round)
            )
            await transaction.commit()
        return answer

    return await _run_checked(context, viewer, request, write)


def _refused(
    refusal: ShortOfGold | LossLimitHit, wager: Wager, bettor: Bettor
) -> InsufficientFunds | LossLimitReached:
    """The player's answer to a bet the writes refused."""
    if isinstance(refusal, ShortOfGold):
        return InsufficientFunds(refusal.required, refusal.balance)
    return LossLimitReached(
        refusal.limit, refusal.remaining, next_day_start(wager.placed_at, bettor.zone)
    )


def _announced(kind: BetKind[Any], wager: Wager, open_round: int | None = None) -> AnnouncedOf:
    """What a written bet tells its player (and the operators' monitor): the balance
    after each ledger row, the game event, what it moved forward; under a key named for
    the bet (its game event and round), so that publishing it again — a retry's
    re-announcement — is recognised. A round that goes on (crash) has paid nothing yet."""

    def announced(written: SettledBet) -> Announced:
        data = {**written.outcome.details, "stake": wager.stake}
        if open_round is None:
            data["payout"] = written.outcome.payout
        events = bet_events(
            written.posted,
            kind.event,
            round_id=written.round_id,
            data=data,
            at=wager.placed_at,
            progression=written.progression,
        )
        return Announced(f"{kind.event.value}:{written.round_id}", events)

    return announced


def _announcement(
    services: Services,
    kind: BetKind[Any],
    wager: Wager,
    written: SettledBet,
    open_round: int | None = None,
) -> AfterCommit:
    """What a committed bet tells: its events (`_announced`), and the finished play and
    the XP to the leaderboards. A round that goes on (crash) finishes later."""
    told = _announced(kind, wager, open_round)(written)
    finished = None
    if open_round is None:
        payout = written.outcome.payout
        finished = FinishedPlay(kind.game, wager.stake, payout, wager.periods)
    user_id, xp = wager.user_id, written.progression.xp

    async def announce() -> None:
        # Together: the events' script (the bus's connection) and the boards' (theirs)
        # are in flight at once, so the answer waits one Redis round trip, not two in a
        # row. Neither raises (each logs, or keeps what Redis would not take).
        await asyncio.gather(
            publish(services, user_id, told.events, key=told.key),
            leaderboard_feed.feed(services, user_id, play=finished, xp=xp),
        )

    return announce


async def _run_checked(
    context: Context,
    viewer: Viewer,
    request: BetRequest[R],
    write: Callable[[KeyRequest | None], Awaitable[W]],
) -> R | W | Precheck:
    """Run `write` (the bet's transaction) once the request passed every check before it."""
    kind = request.kind
    parameters = request.parameters
    if request.stake is not None and request.stake_limits is not None:
        low, high = request.stake_limits
        if not low <= request.stake <= high:
            return InvalidStake(low, high)
        parameters = {"stake": request.stake, **parameters}
    if viewer.role is Role.ADMIN:
        return OperatorsDoNotPlay()
    key = key_request(
        context, viewer, key=request.key, operation=kind.operation, parameters=parameters
    )
    if isinstance(key, ValidationFailed):
        return key
    replay = kind.success
    # As of the session check: whatever starts a break or a debt forgets cached ones.
    until = viewer.user.excluded_at(context.services.clock.now())
    if until is not None or viewer.user.gold_debt:
        if key is not None and (answer := await stored_answer(context, key, replay)):
            return answer  # a retry of what happened before
        if until is not None:
            return PlayerExcluded(until)
        return InDebt(viewer.user.gold_debt)

    try:
        limited = await rate_limited(context, viewer)
    except ServiceUnavailable:
        # A retry of what already happened is answered from the database alone.
        if key is not None and (answer := await stored_answer(context, key, replay)):
            return answer
        raise
    if limited is not None:
        if key is not None and (answer := await stored_answer(context, key, replay)):
            return answer
        return limited
    return await run_idempotent(context, key, work=write, replay=replay)
