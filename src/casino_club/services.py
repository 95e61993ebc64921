"""What lives as long as the app: settings, database, clock, hashing, tokens, metrics.

Built once in the app lifespan (or by a test) and shared by every request.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field, replace
from functools import cached_property, partial
from itertools import takewhile

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from casino_club.clock import Clock, SystemClock
from casino_club.config import Settings
from casino_club.domain.accounts import Rank
from casino_club.domain.gacha import DEFAULT_RULES, GachaRules, Rarity
from casino_club.domain.slots import DEFAULT_PAYTABLE, Paytable, SlotsOdds, Symbol, odds
from casino_club.live.events import EventBus, Replay
from casino_club.live.limits import LiveLimits
from casino_club.live.outbox import EventOutbox
from casino_club.live.stream import SubscriptionOverflow
from casino_club.observability import Metrics
from casino_club.payments.client import Payments
from casino_club.payments.gateway import PaymentGateway
from casino_club.payments.sandbox import SandboxGateway
from casino_club.persistence.bets import BetStore, SessionBetStore
from casino_club.persistence.database import create_engine, create_sessionmaker
from casino_club.persistence.leaderboards import Leaderboards, SqlLeaderboards
from casino_club.persistence.live_leases import InProcessLeases, LeaseCounts, RedisLeases
from casino_club.persistence.persisted_queries import (
    InProcessPersistedQueries,
    PersistedQueryStore,
    RedisPersistedQueries,
)
from casino_club.persistence.postgres_bets import PostgresBetStore
from casino_club.persistence.rate_limits import InProcessRateLimits, RateLimits, RedisRateLimits
from casino_club.persistence.redis_client import RedisClient, RedisTimeouts
from casino_club.persistence.redis_leaderboards import RedisLeaderboards
from casino_club.persistence.session_cache import CHANNEL as SESSIONS_CHANNEL
from casino_club.persistence.session_cache import SessionCache
from casino_club.persistence.unit_of_work import UnitOfWork
from casino_club.retries import GaveUp, backoff, retry
from casino_club.security import AccessTokens, Passwords

log = logging.getLogger(__name__)

FORGET_RETRY_MAX_SECONDS = 5.0


def _forget_failed(_: int, error: Exception) -> None:
    log.warning("publishing a session forget failed", exc_info=error)


def slot_paytable(settings: Settings) -> Paytable:
    """The default paytable with the settings' overrides (validated by Paytable)."""
    return replace(
        DEFAULT_PAYTABLE,
        weights={
            **DEFAULT_PAYTABLE.weights,
            **{Symbol(name): w for name, w in settings.slot_symbol_weights.items()},
        },
        triples={
            **DEFAULT_PAYTABLE.triples,
            **{Symbol(name): m for name, m in settings.slot_triple_pays.items()},
        },
        cherry_pair=settings.slot_cherry_pair_pays,
    )


def gacha_rules(settings: Settings) -> GachaRules:
    return replace(
        DEFAULT_RULES,
        rates_bp={
            **DEFAULT_RULES.rates_bp,
            **{Rarity(name): bp for name, bp in settings.gacha_rates_bp.items()},
        },
        daily_limits={
            **DEFAULT_RULES.daily_limits,
            **{Rank(name): n for name, n in settings.gacha_daily_limits.items()},
        },
        pity_threshold=settings.gacha_pity_threshold,
    )


def payment_gateway(settings: Settings) -> Payments:
    """The configured provider, behind the timeouts and retries every call gets."""
    gateways: dict[str, type[PaymentGateway]] = {"sandbox": SandboxGateway}
    return Payments(
        gateway=gateways[settings.payment_gateway](),
        timeout_seconds=settings.payment_timeout_seconds,
        tries=settings.payment_tries,
        backoff_seconds=settings.payment_backoff_seconds,
    )


@dataclass
class Services:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    clock: Clock
    passwords: Passwords
    tokens: AccessTokens
    redis: RedisClient | None
    rate_limits: RateLimits
    events: EventBus
    payments: Payments
    slot_paytable: Paytable = DEFAULT_PAYTABLE
    gacha: GachaRules = DEFAULT_RULES
    metrics: Metrics = field(default_factory=Metrics)
    started: bool = False
    _hearing: asyncio.Task[None] | None = field(init=False, repr=False, default=None)
    # Set once this instance hears the `sessions` channel: until then nothing is cached.
    _hearing_forgets: asyncio.Event = field(init=False, repr=False, default_factory=asyncio.Event)
    _retrying_forgets: set[asyncio.Task[None]] = field(init=False, repr=False, default_factory=set)

    @classmethod
    def create(cls, settings: Settings, clock: Clock | None = None) -> Services:
        engine = create_engine(settings)
        timeouts = RedisTimeouts(
            connect_seconds=settings.redis_connect_timeout_seconds,
            socket_seconds=settings.redis_socket_timeout_seconds,
        )
        redis = (
            timeouts.client_for(settings.redis_url, settings.redis_cluster)
            if settings.uses_redis
            else None
        )
        rate_limits: RateLimits = (
            RedisRateLimits(redis, settings.redis_prefix)
            if redis is not None
            else InProcessRateLimits()
        )
        channel_prefix = settings.redis_prefix if settings.broadcast_url.startswith("redis") else ""
        return cls(
            settings=settings,
            engine=engine,
            sessionmaker=create_sessionmaker(engine),
            clock=clock or SystemClock(),
            passwords=Passwords(settings),
            tokens=AccessTokens(settings),
            redis=redis,
            rate_limits=rate_limits,
            events=EventBus(
                settings.broadcast_url,
                channel_prefix,
                timeouts,
                Replay(settings.event_replay_seconds, settings.event_replay_max_events),
                cluster=settings.redis_cluster,
            ),
            payments=payment_gateway(settings),
            slot_paytable=slot_paytable(settings),
            gacha=gacha_rules(settings),
        )

    @cached_property
    def live(self) -> LiveLimits:
        """Connections and subscriptions held, by player and address (every instance's,
        in Redis when there is one)."""
        counts: LeaseCounts = (
            RedisLeases(self.redis, self.settings.redis_prefix, self.settings.live_lease_seconds)
            if self.redis is not None
            else InProcessLeases()
        )
        return LiveLimits(self.settings, counts)

    @cached_property
    def persisted_queries(self) -> PersistedQueryStore:
        """Documents by hash: every instance's in Redis when there is one."""
        settings = self.settings
        if self.redis is not None:
            return RedisPersistedQueries(
                self.redis,
                settings.redis_prefix,
                settings.persisted_queries_max_entries,
                settings.persisted_queries_ttl_seconds,
            )
        return InProcessPersistedQueries(settings.persisted_queries_max_entries)

    @cached_property
    def outbox(self) -> EventOutbox:
        return EventOutbox(self.events, self.sessionmaker, self.clock)

    @cached_property
    def slot_odds(self) -> SlotsOdds:
        """Exact odds of the configured paytable, computed once."""
        return odds(self.slot_paytable)

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self.sessionmaker)

    @cached_property
    def sessions(self) -> SessionCache:
        # Hot state shared in Redis means several instances, and a forget reaches the
        # others only over a shared event channel: without one, nothing is cached.
        shared = not self.settings.uses_redis or self.settings.shares_state_across_processes

        def generation() -> int | None:
            hearing = shared and self._hearing_forgets.is_set()
            return self.events.generation() if hearing else None

        return SessionCache(
            ttl_seconds=self.settings.session_cache_seconds,
            max_entries=self.settings.session_cache_entries,
            generation=generation,
        )

    async def forget_sessions_of(self, user_id: int) -> None:
        """After a commit that ended or changed a player's access: no instance may go on
        trusting a token of theirs it checked before."""
        self.sessions.forget(user_id)
        try:
            await self._publish_forget(user_id)
        except Exception as error:
            _forget_failed(1, error)
            # Other instances may still trust this player's tokens: keep telling them in
            # the background until whatever they cached has expired anyway.
            task = asyncio.create_task(self._retry_forget(user_id))
            self._retrying_forgets.add(task)
            task.add_done_callback(self._retrying_forgets.discard)

    async def _publish_forget(self, user_id: int) -> None:
        await self.events.publish(SESSIONS_CHANNEL, {"forget": user_id})

    async def _retry_forget(self, user_id: int) -> None:
        """Each later try only if it can go out before what was cached expires."""
        give_up_at = time.monotonic() + self.settings.session_cache_seconds
        waits = backoff(0.1, cap=FORGET_RETRY_MAX_SECONDS)
        in_time = takewhile(lambda wait: time.monotonic() + wait < give_up_at, waits)
        try:
            await retry(
                partial(self._publish_forget, user_id),
                in_time,
                on=Exception,
                failed=_forget_failed,
                at_once=False,
            )
        except GaveUp:
            log.error(
                "a session forget for user %d never went out; cached answers expired", user_id
            )

    async def _hear_forgets(self) -> None:
        """Apply other instances' forgets. If some were dropped (this subscriber fell
        behind), trust nothing cached and listen again."""
        while True:
            async with self.events.subscribe(SESSIONS_CHANNEL) as stream:
                self._hearing_forgets.set()
                try:
                    async for event in stream:
                        self.sessions.forget(int(event["forget"]))
                except SubscriptionOverflow:
                    log.warning("session forgets overflowed: cache cleared, listening again")
                finally:
                    self._hearing_forgets.clear()
                    self.sessions.clear()

    @cached_property
    def leaderboards(self) -> Leaderboards:
        """Redis sorted sets in production mode (Redis configured), SQL in embedded mode."""
        if self.redis is not None:
            return RedisLeaderboards(
                self.redis, self.settings.redis_prefix, self.sessionmaker, self.settings.zone
            )
        return SqlLeaderboards(self.sessionmaker, self.settings.zone)

    @cached_property
    def bets(self) -> BetStore:
        """Where instant bets are written: the driver itself on PostgreSQL through
        asyncpg (the hot path), the session anywhere else."""
        if self.engine.dialect.driver == "asyncpg":
            return PostgresBetStore(self.engine)
        return SessionBetStore(self.sessionmaker)

    async def start(self) -> None:
        """Connect the event bus and hear other instances' session forgets; both stop
        in close(). Background jobs are run beside (jobs.py)."""
        await self.events.connect()
        # Nothing is cached until the forgets are heard (`generation`); waiting here makes
        # the cache useful from the first request.
        hearing = asyncio.create_task(self._hear_forgets())
        self._hearing = hearing
        self.started = True  # from here close() stops what runs
        heard = asyncio.create_task(self._hearing_forgets.wait())
        await asyncio.wait({hearing, heard}, return_when=asyncio.FIRST_COMPLETED)
        heard.cancel()
        if hearing.done():  # it could not subscribe: the error is the start's
            hearing.result()

    async def close(self) -> None:
        if self.started:
            assert self._hearing is not None, "started with it"
            tasks = [self._hearing, *self._retrying_forgets]
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await self.events.disconnect()
            self.started = False
        if self.redis is not None:
            await self.redis.aclose()
        await self.engine.dispose()
