"""missions: their definitions, and each player's progress per period

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-24 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from casino_club.persistence.column_types import UTCDateTime

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "missions",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("event", sa.String(length=16), nullable=False),
        sa.Column("target", sa.BigInteger(), nullable=False),
        sa.Column("reward_gold", sa.BigInteger(), nullable=False),
        sa.Column("reward_xp", sa.Integer(), nullable=False),
        sa.Column("min_multiplier", sa.BigInteger(), nullable=True),
        sa.Column("min_level", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("target > 0", name=op.f("ck_missions_target_positive")),
        sa.CheckConstraint(
            "reward_gold >= 0 AND reward_xp >= 0", name=op.f("ck_missions_reward_not_negative")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_missions")),
        sa.UniqueConstraint("key", name=op.f("uq_missions_key")),
    )
    op.create_index("ix_missions_event_active", "missions", ["event", "active"], unique=False)
    op.create_table(
        "mission_progress",
        sa.Column("user_id", ID, nullable=False),
        sa.Column("mission_id", ID, autoincrement=False, nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("target", sa.BigInteger(), nullable=False),
        sa.Column("progress", sa.BigInteger(), nullable=False),
        sa.Column("completed_at", UTCDateTime(), nullable=True),
        sa.Column("claimed_at", UTCDateTime(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "progress <= target", name=op.f("ck_mission_progress_progress_within_target")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_mission_progress_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "user_id", "mission_id", "period", name=op.f("pk_mission_progress")
        ),
    )
    op.create_index("ix_mission_progress_period", "mission_progress", ["period"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_mission_progress_period", table_name="mission_progress")
    op.drop_table("mission_progress")
    op.drop_index("ix_missions_event_active", table_name="missions")
    op.drop_table("missions")
