"""kpis: players' active days, each game day's key figures and money, and the indexes
the rollup reads a day of plays and activity by

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06 15:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from casino_club.persistence.column_types import UTCDateTime

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "active_days",
        sa.Column("user_id", ID, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_active_days_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "day", name=op.f("pk_active_days")),
    )
    op.create_index("ix_active_days_day_user_id", "active_days", ["day", "user_id"])
    op.create_table(
        "kpi_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("dau", sa.Integer(), nullable=False),
        sa.Column("wau", sa.Integer(), nullable=False),
        sa.Column("mau", sa.Integer(), nullable=False),
        sa.Column("new_players", sa.Integer(), nullable=False),
        sa.Column("payers", sa.Integer(), nullable=False),
        sa.Column("first_time_payers", sa.Integer(), nullable=False),
        sa.Column("shop_opened", sa.Integer(), nullable=False),
        sa.Column("buy_clicked", sa.Integer(), nullable=False),
        sa.Column("retained_d1", sa.Integer(), nullable=True),
        sa.Column("retained_d7", sa.Integer(), nullable=True),
        sa.Column("retained_d30", sa.Integer(), nullable=True),
        sa.Column("computed_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_kpi_days")),
    )
    op.create_table(
        "kpi_revenue",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("gross", sa.BigInteger(), nullable=False),
        sa.Column("refunded", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("day", "currency", name=op.f("pk_kpi_revenue")),
    )
    op.create_index("ix_game_history_created_at", "game_history", ["created_at"])
    op.create_index("ix_activity_events_recorded_at", "activity_events", ["recorded_at"])
    op.create_index("ix_purchases_settled_at", "purchases", ["settled_at"])
    op.create_index("ix_purchases_refunded_at", "purchases", ["refunded_at"])
    op.create_index("ix_users_created_at", "users", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_users_created_at", table_name="users")
    op.drop_index("ix_purchases_refunded_at", table_name="purchases")
    op.drop_index("ix_purchases_settled_at", table_name="purchases")
    op.drop_index("ix_activity_events_recorded_at", table_name="activity_events")
    op.drop_index("ix_game_history_created_at", table_name="game_history")
    op.drop_table("kpi_revenue")
    op.drop_table("kpi_days")
    op.drop_index("ix_active_days_day_user_id", table_name="active_days")
    op.drop_table("active_days")
