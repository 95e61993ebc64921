"""refunds: when and why a purchase was refunded, and the debt a refund can leave

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 02:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from casino_club.persistence.column_types import UTCDateTime

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("gold_debt", sa.BigInteger(), server_default="0", nullable=False)
        )
        batch_op.create_check_constraint(batch_op.f("ck_users_debt_not_negative"), "gold_debt >= 0")
    with op.batch_alter_table("purchases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("refunded_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("refund_reason", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("purchases", schema=None) as batch_op:
        batch_op.drop_column("refund_reason")
        batch_op.drop_column("refunded_at")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_users_debt_not_negative"), type_="check")
        batch_op.drop_column("gold_debt")
