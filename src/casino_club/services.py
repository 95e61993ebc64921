"""What lives as long as the app: settings, database, clock, hashing, tokens, metrics.

Built once in the app lifespan (or by a test) and shared by every request.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from casino_club.clock import Clock, SystemClock
from casino_club.config import Settings
from casino_club.observability import Metrics
from casino_club.persistence.database import create_engine, create_sessionmaker
from casino_club.persistence.unit_of_work import UnitOfWork
from casino_club.security import AccessTokens, Passwords


@dataclass
class Services:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    clock: Clock
    passwords: Passwords
    tokens: AccessTokens
    redis: Redis | None
    metrics: Metrics = field(default_factory=Metrics)

    @classmethod
    def create(cls, settings: Settings, clock: Clock | None = None) -> Services:
        engine = create_engine(settings)
        redis = Redis.from_url(settings.redis_url) if settings.uses_redis else None
        return cls(
            settings=settings,
            engine=engine,
            sessionmaker=create_sessionmaker(engine),
            clock=clock or SystemClock(),
            passwords=Passwords(settings),
            tokens=AccessTokens(settings),
            redis=redis,
        )

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self.sessionmaker)

    async def close(self) -> None:
        if self.redis is not None:
            await self.redis.aclose()
        await self.engine.dispose()
