"""player segments: each player's current segments (computed, in force, overridden) and
the append-only history of their changes, by run

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 15:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from casino_club.persistence.column_types import UTCDateTime

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "segment_runs",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("game_day", sa.Date(), nullable=False),
        sa.Column("scheduled", sa.Boolean(), nullable=False),
        sa.Column("players", sa.Integer(), nullable=False),
        sa.Column("changes", sa.Integer(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_segment_runs")),
    )
    op.create_index("ix_segment_runs_game_day", "segment_runs", ["game_day"], unique=False)
    op.create_table(
        "player_segments",
        sa.Column("user_id", ID, nullable=False),
        sa.Column("lifecycle", sa.String(length=16), nullable=False),
        sa.Column("rfm_segment", sa.String(length=16), nullable=False),
        sa.Column("computed_lifecycle", sa.String(length=16), nullable=False),
        sa.Column("computed_rfm_segment", sa.String(length=16), nullable=False),
        sa.Column("recency_score", sa.Integer(), nullable=False),
        sa.Column("frequency_score", sa.Integer(), nullable=False),
        sa.Column("monetary_score", sa.Integer(), nullable=False),
        sa.Column("computed_at", UTCDateTime(), nullable=False),
        sa.Column("override_segment", sa.String(length=16), nullable=True),
        sa.Column("override_reason", sa.String(length=500), nullable=True),
        sa.Column("override_by", ID, nullable=True),
        sa.Column("override_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_player_segments_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["override_by"],
            ["users.id"],
            name=op.f("fk_player_segments_override_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_player_segments")),
    )
    op.create_index(
        "ix_player_segments_lifecycle_user_id",
        "player_segments",
        ["lifecycle", "user_id"],
        unique=False,
    )
    op.create_index(
        "ix_player_segments_rfm_segment_user_id",
        "player_segments",
        ["rfm_segment", "user_id"],
        unique=False,
    )
    op.create_table(
        "segment_changes",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("from_segment", sa.String(length=16), nullable=True),
        sa.Column("to_segment", sa.String(length=16), nullable=False),
        sa.Column("run_id", ID, nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_segment_changes_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["segment_runs.id"],
            name=op.f("fk_segment_changes_run_id_segment_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_segment_changes")),
    )
    op.create_index(
        "ix_segment_changes_user_id_id", "segment_changes", ["user_id", "id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_segment_changes_user_id_id", table_name="segment_changes")
    op.drop_table("segment_changes")
    op.drop_index("ix_player_segments_rfm_segment_user_id", table_name="player_segments")
    op.drop_index("ix_player_segments_lifecycle_user_id", table_name="player_segments")
    op.drop_table("player_segments")
    op.drop_index("ix_segment_runs_game_day", table_name="segment_runs")
    op.drop_table("segment_runs")
