"""Migrations: one head, reversible, and identical to the models."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, make_url, text

from casino_club.bootstrap import seed
from casino_club.config import Settings
from casino_club.persistence import migrations
from casino_club.persistence.database import create_engine
from casino_club.persistence.models import Base
from casino_club.services import Services
from tests.conftest import Backend

NOW = datetime(2026, 12, 6, tzinfo=UTC)


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


async def test_undoing_provider_faults_leaves_purchases_the_older_code_reads(
    backend: Backend, tmp_path: Any
) -> None:
    """0023 adds a status (REFUND_PENDING) and a failure reason (LATE_CAPTURE_REFUNDED):
    downgraded, no purchase may keep either, or the code of 0022 fails reading it (its
    FailureReason has no such member: the buyer's `me.purchases` would fail)."""
    if backend.name == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path}/undo.db"
    else:
        name = f"cc_undo_{uuid.uuid4().hex[:12]}"
        server = make_url(backend.database_url)
        admin = await asyncpg.connect(
            server.set(drivername="postgresql").render_as_string(hide_password=False)
        )
        await admin.execute(f'CREATE DATABASE "{name}"')
        url = server.set(database=name).render_as_string(hide_password=False)
    engine = create_engine(Settings(_env_file=None, database_url=url))
    try:
        await asyncio.to_thread(migrations.upgrade, url)
        services = Services.create(backend.settings(database_url=url))
        try:
            await seed(services)
        finally:
            await services.close()
        async with engine.begin() as connection:
            user_id = await connection.scalar(text("SELECT min(id) FROM users"))
            for key, status, reason in [
                ("a", "REFUND_PENDING", None),
                ("b", "VOIDED", "LATE_CAPTURE_REFUNDED"),
                ("c", "FAILED", "LATE_CAPTURE_REFUNDED"),
            ]:
                await connection.execute(
                    text(
                        "INSERT INTO purchases (user_id, idempotency_key, sku, quantity,"
                        " currency, unit_price_cents, amount_cents, gold, bonus_gold, status,"
                        " failure_reason, gateway, created_at, spend_usd_cents)"
                        " VALUES (:user, :key, 'starter', 1, 'USD', 499, 499, 5000, 0,"
                        " :status, :reason, 'sandbox', :now, 499)"
                    ),
                    {"user": user_id, "key": key, "status": status, "reason": reason, "now": NOW},
                )
        await asyncio.to_thread(migrations.downgrade, url, "0022")
        async with engine.connect() as connection:
            rows = (
                await connection.execute(
                    text("SELECT status, failure_reason FROM purchases ORDER BY idempotency_key")
                )
            ).all()
        older_statuses = {"PENDING", "SUCCEEDED", "FAILED", "VOIDED", "REFUNDED"}
        older_reasons = {
            None,
            "DECLINED",
            "CAPTURE_FAILED",
            "GATEWAY_TIMEOUT",
            "GATEWAY_ERROR",
            "STALE_AUTO_VOID",
            "RESERVATION_EXPIRED",
        }
        assert [status for status, _ in rows] == ["SUCCEEDED", "VOIDED", "FAILED"]
        assert {status for status, _ in rows} <= older_statuses
        assert {reason for _, reason in rows} <= older_reasons, rows
    finally:
        await engine.dispose()
        if backend.name != "sqlite":
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.close()
