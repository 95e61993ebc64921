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
3. **The writes**, in that same transaction: the gold through the ledger (cost first),
   the finished play recorded (`game_rounds.record`, beside which everything that
   counts plays is written), the answer stored under the key; the commit; then the balance and game
   events.

`place_instant` runs an instant game's writes through the bet store (usually one
statement on PostgreSQL); `place_staged` runs a staged game's in a unit of work.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, NamedTuple, Protocol, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.context import Context, Viewer
from casino_club.domain.days import day_start, next_day_start
from casino_club.domain.errors import ServiceUnavailable
from casino_club.domain.games import Game, GameEventType
from casino_club.domain.ledger import PLAY_REASONS, LedgerReason
from casino_club.domain.limits import LossLimitHit
from casino_club.domain.missions import open_round_counts, periods_at
from casino_club.domain.progression import Progression
from casino_club.domain.refusals import (
    BetRefusal,
    InDebt,
    InsufficientFunds,
    InvalidStake,
    LossLimitReached,
    PlayerExcluded,
    Precheck,
    ValidationFailed,
)
from casino_club.persistence import fairness, game_rounds, idempotency, limits, missions, wallet
from casino_club.persistence.bets import Outcome, Wager, Written, movements, played
from casino_club.persistence.fairness import Round
from casino_club.persistence.idempotency import KeyRequest
from casino_club.persistence.unit_of_work import AfterCommit, UnitOfWork
from casino_club.persistence.wallet import ShortOfGold
from casino_club.resolvers import leaderboard_feed
from casino_club.resolvers.guards import key_request, rate_limited, run_idempotent, stored_answer
from casino_club.resolvers.leaderboard_feed import FinishedPlay
from casino_club.resolvers.live import bet_events, publish, publish_after_commit

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

    def answer(self, written: Written) -> R_co:
        """The mutation's answer, from the committed bet."""
        ...


@dataclass(frozen=True, slots=True)
class OpenBet:
    """A staged game's bet while it decides: its transaction (to write in, not to
    commit), with the player's fair round taken and the seed row locked, so one
    player's bets run one at a time."""

    _uow: UnitOfWork
    user_id: int
    fair_round: Round
    now: datetime  # read once the seed row was held: one player's bets in time order

    @property
    def session(self) -> AsyncSession:
        return self._uow.session

    def after_commit(self, action: AfterCommit) -> None:
        self._uow.after_commit(action)


class Placed(NamedTuple):
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
    answer: Callable[[Placed], R]
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
        now = services.clock.now()
        wager = kind.wager(bettor, stake, key, now)
        written = await services.bets.place(wager, game.outcome, game.answer)
        if isinstance(written, ShortOfGold):
            return InsufficientFunds(written.required, written.balance)
        if isinstance(written, LossLimitHit):
            return LossLimitReached(
                written.limit, written.remaining, next_day_start(now, bettor.zone)
            )
        outcome = written.outcome
        data = {**outcome.details, "stake": stake, "payout": outcome.payout}
        events = bet_events(
            written.posted,
            kind.event,
            round_id=written.round_id,
            data=data,
            at=now,
            progression=written.progression,
        )
        await publish(services, viewer.id, events)
        play = FinishedPlay(kind.game, stake, outcome.payout, wager.periods)
        await leaderboard_feed.feed(services, viewer.id, play=play, xp=written.progression.xp)
        return game.answer(written)

    return await _run_checked(context, viewer, request, write)


async def place_staged(
    context: Context, viewer: Viewer, request: BetRequest[R], game: StagedGame[R, E]
) -> R | E | BetRefusal:
    """A staged game's bet: checked, decided and written in one transaction, published."""
    services = context.services
    kind = request.kind
    bettor = Bettor.of(context, viewer)

    async def write(key: KeyRequest | None) -> R | E | InsufficientFunds | LossLimitReached:
        async with services.unit_of_work() as uow:
            session = uow.session
            claim = await idempotency.claim_if_keyed(session, key, services.clock.now())
            fair_round = await fairness.next_round(session, viewer.id)
            bet = OpenBet(uow, viewer.id, fair_round, services.clock.now())
            decided = await game.decide(bet)
            if not isinstance(decided, Decision):
                return decided  # leaving the unit of work uncommitted rolls it all back
            wager = kind.wager(bettor, decided.cost, key, bet.now)
            if wager.loss_day_start is not None and wager.stake:
                over = await limits.check_loss(
                    session, viewer.id, wager.stake, wager.loss_day_start, bet.now
                )
                if over is not None:
                    return LossLimitReached(
                        over.limit, over.remaining, next_day_start(bet.now, bettor.zone)
                    )
            moved = movements(wager, fair_round, decided.payout)
            if moved:
                posted = await wallet.move_gold_if_covered(
                    session, user_id=viewer.id, movements=moved, now=bet.now
                )
                if isinstance(posted, ShortOfGold):
                    return InsufficientFunds(posted.required, posted.balance)
                balance = posted[-1].balance_after
            else:
                posted, balance = [], await wallet.balance_of(session, viewer.id)
            if decided.open_round is None:
                round_id, progression = await game_rounds.record(
                    session,
                    played(wager, fair_round, decided.payout, decided.details, decided.units),
                )
            else:  # the bet counts now, the play when its round ends
                round_id = decided.open_round
                advanced = await missions.advance(
                    session, viewer.id, open_round_counts(wager.stake), wager.periods, bet.now
                )
                progression = Progression(missions=advanced)
            answer = decided.answer(Placed(round_id, balance))
            if claim is not None:
                await idempotency.complete(session, claim, answer, bet.now)
            data = {**decided.details, "stake": decided.cost}
            if decided.open_round is None:  # an open round has paid nothing yet
                data["payout"] = decided.payout
            events = bet_events(
                posted,
                kind.event,
                round_id=round_id,
                data=data,
                at=bet.now,
                progression=progression,
            )
            publish_after_commit(services, uow, viewer.id, events)
            finished = None
            if decided.open_round is None:
                finished = FinishedPlay(kind.game, decided.cost, decided.payout, wager.periods)
            uow.after_commit(
                lambda: leaderboard_feed.feed(services, viewer.id, play=finished, xp=progression.xp)
            )
            await uow.commit()
        return answer

    return await _run_checked(context, viewer, request, write)


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
