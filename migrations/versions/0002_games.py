"""fairness, game history and idempotency keys

Every existing account gets its first (active) server seed, so games can rely on one.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 03:53:56.265065
"""

import hashlib
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from casino_club.persistence.column_types import UTCDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "fairness_seeds",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("server_seed", sa.String(length=64), nullable=False),
        sa.Column("server_seed_hash", sa.String(length=64), nullable=False),
        sa.Column("client_seed", sa.String(length=64), nullable=False),
        sa.Column("nonce", sa.BigInteger(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("revealed_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_fairness_seeds_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fairness_seeds")),
    )
    with op.batch_alter_table("fairness_seeds", schema=None) as batch_op:
        batch_op.create_index(
            "ix_fairness_seeds_active_user",
            ["user_id"],
            unique=True,
            postgresql_where=sa.text("active"),
            sqlite_where=sa.text("active"),
        )
        batch_op.create_index(
            batch_op.f("ix_fairness_seeds_server_seed_hash"), ["server_seed_hash"], unique=False
        )

    op.create_table(
        "idempotency_keys",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("operation", sa.String(length=32), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("completed_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_idempotency_keys_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_keys")),
        sa.UniqueConstraint("user_id", "key", name="uq_idempotency_keys_user_key"),
    )
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_idempotency_keys_created_at"), ["created_at"], unique=False
        )

    op.create_table(
        "game_history",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("game", sa.String(length=16), nullable=False),
        sa.Column("stake", sa.BigInteger(), nullable=False),
        sa.Column("payout", sa.BigInteger(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("seed_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("server_seed_hash", sa.String(length=64), nullable=False),
        sa.Column("client_seed", sa.String(length=64), nullable=False),
        sa.Column("nonce", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["seed_id"],
            ["fairness_seeds.id"],
            name=op.f("fk_game_history_seed_id_fairness_seeds"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_game_history_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_game_history")),
    )
    with op.batch_alter_table("game_history", schema=None) as batch_op:
        batch_op.create_index("ix_game_history_user_id_id", ["user_id", "id"], unique=False)

    _give_every_user_a_seed()


def _give_every_user_a_seed() -> None:
    connection = op.get_bind()
    seeds = sa.table(
        "fairness_seeds",
        sa.column("user_id", sa.BigInteger()),
        sa.column("server_seed", sa.String()),
        sa.column("server_seed_hash", sa.String()),
        sa.column("client_seed", sa.String()),
        sa.column("nonce", sa.BigInteger()),
        sa.column("active", sa.Boolean()),
        sa.column("created_at", UTCDateTime()),
    )
    now = datetime.now(UTC)
    rows = []
    for (user_id,) in connection.execute(sa.text("SELECT id FROM users")):
        seed = secrets.token_bytes(32)
        rows.append(
            {
                "user_id": user_id,
                "server_seed": seed.hex(),
                "server_seed_hash": hashlib.sha256(seed).hexdigest(),
                "client_seed": secrets.token_hex(8),
                "nonce": 0,
                "active": True,
                "created_at": now,
            }
        )
    if rows:
        op.bulk_insert(seeds, rows)


def downgrade() -> None:
    with op.batch_alter_table("game_history", schema=None) as batch_op:
        batch_op.drop_index("ix_game_history_user_id_id")

    op.drop_table("game_history")
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idempotency_keys_created_at"))

    op.drop_table("idempotency_keys")
    with op.batch_alter_table("fairness_seeds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fairness_seeds_server_seed_hash"))
        batch_op.drop_index(
            "ix_fairness_seeds_active_user",
            postgresql_where=sa.text("active"),
            sqlite_where=sa.text("active"),
        )

    op.drop_table("fairness_seeds")
