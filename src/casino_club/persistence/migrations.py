"""Run the alembic migrations from code (CLI, app start in containers, tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parents[3] / "migrations"

# PostgreSQL's session advisory lock held around every upgrade and downgrade
# (migrations/env.py), so replicas that start together migrate one after another and
# the later ones find nothing to do. Any fixed number, documented in docs/operations.md:
# an operator can see who holds it in pg_locks (locktype 'advisory', objid this value).
MIGRATION_LOCK = 0x0CC0_3161

# The key under which env.py lists the revisions an upgrade applied.
APPLIED = "applied_revisions"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> list[str]:
    """Upgrade to `revision`; returns the revisions applied, in order (none when the
    database was there already, e.g. because another instance migrated it first)."""
    config = alembic_config(database_url)
    command.upgrade(config, revision)
    return list(config.attributes.get(APPLIED, []))


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)
