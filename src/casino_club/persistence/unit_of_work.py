"""One business transaction: commit everything or nothing, then run after-commit work.

Events are published only after the commit, so a subscriber never sees a balance that
a rollback later took back (SPEC §10).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Protocol, Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

log = logging.getLogger(__name__)

AfterCommit = Callable[[], Awaitable[None]]


class InTransaction(Protocol):
    """Writes inside someone else's transaction: its session and its after-commit work,
    not its commit (whoever opened it decides that)."""

    @property
    def session(self) -> AsyncSession: ...

    def after_commit(self, action: AfterCommit) -> None: ...


class UnitOfWork:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker
        self._after_commit: list[AfterCommit] = []
        self._session: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("UnitOfWork used outside 'async with'")
        return self._session

    def after_commit(self, action: AfterCommit) -> None:
        self._after_commit.append(action)

    async def commit(self) -> None:
        await self.session.commit()
        actions, self._after_commit = self._after_commit, []
        for action in actions:
            try:
                await action()
            except Exception:
                # The transaction stands; a lost notification must not turn it into an error.
                log.exception("after-commit action failed")

    async def rollback(self) -> None:
        self._after_commit.clear()
        await self.session.rollback()

    async def __aenter__(self) -> Self:
        self._session = self._sessionmaker()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self.session.in_transaction():
                await self.rollback()
        finally:
            await self.session.close()
            self._session = None
