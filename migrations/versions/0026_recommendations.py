"""recommendations_shown: suggestions shown to players, and their verdicts

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 14:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from casino_club.persistence.column_types import UTCDateTime

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "recommendations_shown",
        sa.Column("user_id", ID, nullable=False),
        sa.Column("recommendation_id", sa.String(length=96), nullable=False),
        sa.Column("rule", sa.String(length=32), nullable=False),
        sa.Column("shown_at", UTCDateTime(), nullable=False),
        sa.Column("useful", sa.Boolean(), nullable=True),
        sa.Column("feedback_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_recommendations_shown_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "user_id", "recommendation_id", name=op.f("pk_recommendations_shown")
        ),
    )
    op.create_index(
        "ix_recommendations_shown_rule", "recommendations_shown", ["rule"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_recommendations_shown_rule", table_name="recommendations_shown")
    op.drop_table("recommendations_shown")
