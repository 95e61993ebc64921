"""activity: what clients tell of their players' activity, and each player's totals

Revision ID: 0025
Revises: 0023
Create Date: 2026-12-06 14:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from casino_club.persistence.column_types import UTCDateTime

revision: str = "0025"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "activity_events",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("event_type", sa.String(length=32), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("metadata", sa.JSON(), nullable=False),
        sa.Column("client_ts", UTCDateTime(), nullable=True),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_activity_events_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_events")),
        sa.UniqueConstraint("user_id", "event_id", name="uq_activity_events_user_id_event_id"),
    )
    op.create_index(
        "ix_activity_events_type_recorded_at",
        "activity_events",
        ["event_type", "recorded_at"],
        unique=False,
    )
    op.create_table(
        "user_activity",
        sa.Column("user_id", ID, nullable=False),
        sa.Column("screen_views", sa.BigInteger(), nullable=False),
        sa.Column("shop_opens", sa.BigInteger(), nullable=False),
        sa.Column("buy_clicks", sa.BigInteger(), nullable=False),
        sa.Column("bonus_uses", sa.BigInteger(), nullable=False),
        sa.Column("play_seconds", sa.BigInteger(), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_activity_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_user_activity")),
    )


def downgrade() -> None:
    op.drop_table("user_activity")
    op.drop_index("ix_activity_events_type_recorded_at", table_name="activity_events")
    op.drop_table("activity_events")
