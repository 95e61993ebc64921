"""economy: gold issued and sunk per game day and ledger reason, and the rollup's place

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-23 05:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from casino_club.persistence.column_types import UTCDateTime

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "economy_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("issued", sa.BigInteger(), nullable=False),
        sa.Column("sunk", sa.BigInteger(), nullable=False),
        sa.Column("movements", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("day", "reason", name=op.f("pk_economy_days")),
    )
    op.create_table(
        "economy_rollup",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("done_through", sa.BigInteger(), nullable=False),
        sa.Column("next_through", sa.BigInteger(), nullable=False),
        sa.Column("next_seen_at", UTCDateTime(), nullable=True),
        sa.Column("complete_as_of", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_economy_rollup")),
    )


def downgrade() -> None:
    op.drop_table("economy_rollup")
    op.drop_table("economy_days")
