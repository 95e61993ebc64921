"""Alembic environment: async engine from the app settings, batch mode for SQLite.

On PostgreSQL every upgrade or downgrade run here (`casino-club migrate`, the `alembic`
command) holds a session advisory lock (`MIGRATION_LOCK`), so instances that start
together (replicas each running `casino-club migrate` before serving) take turns: the
first migrates, the others wait, then find the database at head and have nothing to do.
SQLite needs no lock: it is one file served by one process.
"""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import context
from alembic.runtime.migration import MigrationContext, MigrationInfo
from sqlalchemy import text
from sqlalchemy.engine import Connection

from casino_club.config import Settings
from casino_club.persistence.database import advisory_lock, create_engine
from casino_club.persistence.migrations import APPLIED, MIGRATION_LOCK
from casino_club.persistence.models import Base

target_metadata = Base.metadata


def _database_url() -> str:
    # An explicit URL (tests, `casino-club migrate --database-url`) wins over the settings.
    url = context.config.attributes.get("database_url")
    return str(url) if url else Settings().database_url


def _record(
    ctx: MigrationContext, step: MigrationInfo, heads: Any, run_args: dict[str, Any]
) -> None:
    """Note each revision an upgrade applies, so the caller can say what this run did
    (or that it found nothing to do)."""
    if step.is_upgrade:
        context.config.attributes.setdefault(APPLIED, []).append(step.up_revision_id)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        on_version_apply=_record,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_async() -> None:
    engine = create_engine(Settings(database_url=_database_url()))
    try:
        async with engine.connect() as connection, advisory_lock(connection, MIGRATION_LOCK):
            if connection.dialect.name == "postgresql":
                # Migrations are not requests: a data migration on a big table takes as
                # long as it takes (the app's statement timeout is seconds).
                await connection.execute(text("SET statement_timeout = 0"))
                await connection.commit()
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
    else:
        asyncio.run(_run_async())


if context.is_offline_mode():
    context.configure(url=_database_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
