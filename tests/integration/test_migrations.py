"""Migrations: one head, reversible, and identical to the models."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect

from casino_club.config import Settings
from casino_club.persistence import migrations
from casino_club.persistence.database import create_engine
from casino_club.persistence.models import Base
from tests.conftest import Backend


def test_there_is_exactly_one_head() -> None:
    script = ScriptDirectory.from_config(migrations.alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1


def _diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


async def test_migrated_schema_matches_the_models(backend: Backend) -> None:
    engine = create_engine(Settings(_env_file=None, database_url=backend.database_url))
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(_diff) == []
    finally:
        await engine.dispose()


async def test_every_migration_is_reversible(tmp_path: Any) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/roundtrip.db"
    await asyncio.to_thread(migrations.upgrade, url)
    engine = create_engine(Settings(_env_file=None, database_url=url))
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(_tables) == set(Base.metadata.tables)
        await asyncio.to_thread(migrations.downgrade, url, "base")
        async with engine.connect() as connection:
            assert await connection.run_sync(_tables) == set()
        await asyncio.to_thread(migrations.upgrade, url)
        async with engine.connect() as connection:
            assert await connection.run_sync(_diff) == []
    finally:
        await engine.dispose()
