"""crash rounds

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 05:52:27.616830
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from casino_club.persistence.column_types import UTCDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
OPEN = sa.text("status = 'OPEN'")


def upgrade() -> None:
    op.create_table(
        "crash_rounds",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("stake", sa.BigInteger(), nullable=False),
        sa.Column("auto_cashout", sa.BigInteger(), nullable=True),
        sa.Column("crash_point", sa.BigInteger(), nullable=False),
        sa.Column("seed_id", ID, nullable=False),
        sa.Column("server_seed_hash", sa.String(length=64), nullable=False),
        sa.Column("client_seed", sa.String(length=64), nullable=False),
        sa.Column("nonce", sa.BigInteger(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("settles_at", UTCDateTime(), nullable=False),
        sa.Column("settled_at", UTCDateTime(), nullable=True),
        sa.Column("cashout_multiplier", sa.BigInteger(), nullable=True),
        sa.Column("ended_ms", sa.BigInteger(), nullable=True),
        sa.Column("payout", sa.BigInteger(), nullable=True),
        sa.Column("history_id", ID, nullable=True),
        sa.ForeignKeyConstraint(
            ["history_id"],
            ["game_history.id"],
            name=op.f("fk_crash_rounds_history_id_game_history"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["seed_id"],
            ["fairness_seeds.id"],
            name=op.f("fk_crash_rounds_seed_id_fairness_seeds"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_crash_rounds_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crash_rounds")),
    )
    op.create_index("ix_crash_rounds_started_at", "crash_rounds", ["started_at"])
    op.create_index("ix_crash_rounds_status_settles_at", "crash_rounds", ["status", "settles_at"])
    op.create_index("ix_crash_rounds_user_id_id", "crash_rounds", ["user_id", "id"])
    op.create_index(
        "uq_crash_rounds_user_id_open",
        "crash_rounds",
        ["user_id"],
        unique=True,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )


def downgrade() -> None:
    op.drop_table("crash_rounds")
