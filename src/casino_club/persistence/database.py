"""Engine and session setup for both backends.

SQLite (embedded mode) gets WAL, foreign keys, a busy timeout and `BEGIN IMMEDIATE`, so
concurrent writers queue instead of failing with "database is locked" halfway through
a transaction; PostgreSQL gets a sized pool.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import and_, event, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from casino_club.config import Settings


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(settings: Settings) -> AsyncEngine:
    url = settings.database_url
    # Statement parameters carry seeds and token hashes: never in an error's text.
    if is_sqlite(url):
        engine = create_async_engine(url, connect_args={"timeout": 30}, hide_parameters=True)
        _configure_sqlite(engine)
        return engine
    return create_async_engine(
        url,
        hide_parameters=True,
        # A stalled server fails a request, never hangs it: the server cancels a statement
        # past `statement_timeout` cleanly (an error, the connection stays usable); the
        # client-side limit, twice as long, covers a server or network that stopped
        # answering altogether. Waiting for a pooled connection keeps its own timeout.
        connect_args={
            "timeout": settings.database_timeout_seconds,
            "command_timeout": 2 * settings.database_timeout_seconds,
            "server_settings": {
                "statement_timeout": str(int(settings.database_timeout_seconds * 1000))
            },
        },
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_max_overflow,
        # No pre-ping: it costs a round trip per checkout on the hot path. A connection
        # that died is invalidated on its first error, and none lives past the recycle.
        pool_recycle=1800,
    )


def _configure_sqlite(engine: AsyncEngine) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


@contextlib.asynccontextmanager
async def read_connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection for a single read outside any transaction.

    On PostgreSQL it runs in autocommit: one round trip instead of BEGIN, SELECT,
    ROLLBACK. (The isolation level is reset when the connection returns to the pool.)
    """
    async with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
        yield connection


@contextlib.asynccontextmanager
async def advisory_lock(connection: AsyncConnection, key: int) -> AsyncIterator[None]:
    """Hold PostgreSQL's session advisory lock `key` on `connection` for the block,
    waiting for it however long another holder takes (no statement timeout on the wait):
    so processes starting together take turns preparing the database. A session lock,
    not a transaction's, so the block can commit as it likes. Elsewhere nothing: SQLite
    is one file served by one process."""
    if connection.dialect.name != "postgresql":
        yield
        return
    await connection.execute(text("SET LOCAL statement_timeout = 0"))
    await connection.execute(select(func.pg_advisory_lock(key)))
    await connection.commit()
    try:
        yield
    finally:
        # A no-op after the block's commit; ends the transaction of a block that failed.
        await connection.rollback()
        await connection.execute(select(func.pg_advisory_unlock(key)))
        await connection.commit()


async def ping(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        await conn.execute(text("SELECT 1"))


def insert_for(session: AsyncSession, table: Any) -> Any:
    """An INSERT that can say ON CONFLICT, in the session's own dialect."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def rows_since(id_column: Any, user_column: Any, time_column: Any, user: Any, since: Any) -> Any:
    """A player's rows from `since` on, in a table indexed by (user_id, id) whose ids grow
    with time (the ledger, history): the rows after the player's last one before `since`,
    found by walking back from the newest, so a query costs the rows since then however
    long the history behind them. (Two rows committed within a moment of `since` by
    concurrent transactions may fall on either side.)"""
    before = (
        select(id_column)
        .where(user_column == user, time_column < since)
        .order_by(id_column.desc())
        .limit(1)
        .scalar_subquery()
    )
    return and_(id_column > func.coalesce(before, 0), time_column >= since)
