"""Each bench's own PostgreSQL database and Redis prefix: created, migrated and seeded
(the operator's password the tests' one), and dropped when the bench ends, whatever
happens."""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncpg
from sqlalchemy.engine import make_url
from tests.conftest import ADMIN_PASSWORD, Backend

from casino_club.bootstrap import seed
from casino_club.persistence import migrations
from casino_club.services import Services

ADMIN_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")


@dataclass(frozen=True)
class BenchDatabase:
    backend: Backend  # the server's configuration: this database, a prefix of its own
    name: str
    dsn: str  # this database, for asyncpg
    admin_dsn: str  # the server's maintenance database, for asyncpg


@contextlib.asynccontextmanager
async def bench_database() -> AsyncIterator[BenchDatabase]:
    admin_url = make_url(ADMIN_URL)
    admin_dsn = admin_url.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"cc_bench_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(admin_dsn)
    await admin.execute(f'CREATE DATABASE "{name}"')
    database_url = admin_url.set(database=name).render_as_string(hide_password=False)
    backend = Backend("postgres", database_url, REDIS_URL, f"ccbench:{name}:", REDIS_URL)
    try:
        await asyncio.to_thread(migrations.upgrade, database_url)
        services = Services.create(backend.settings(admin_password=ADMIN_PASSWORD))
        try:
            await seed(services)
        finally:
            await services.close()
        yield BenchDatabase(backend, name, database_url.replace("+asyncpg", ""), admin_dsn)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
