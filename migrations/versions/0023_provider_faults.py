"""provider faults (SPEC §7.7): two-phase refunds (REFUND_PENDING, who asked), the
sweeper's per-purchase next check with back-off, and late payments still to give back

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 05:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from casino_club.persistence.column_types import UTCDateTime

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
BEFORE = "status IN ('PENDING', 'SUCCEEDED', 'FAILED', 'VOIDED', 'REFUNDED')"
AFTER = "status IN ('PENDING', 'SUCCEEDED', 'FAILED', 'VOIDED', 'REFUND_PENDING', 'REFUNDED')"


def upgrade() -> None:
    with op.batch_alter_table("purchases", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_purchases_status_known"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_purchases_status_known"), AFTER)
        batch_op.add_column(sa.Column("refund_actor_id", ID, nullable=True))
        batch_op.add_column(sa.Column("next_check_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("checks", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("late_payment_id", sa.String(length=128), nullable=True))
        batch_op.create_index(
            "ix_purchases_status_next_check_at", ["status", "next_check_at"], unique=False
        )


def downgrade() -> None:
    op.execute("UPDATE purchases SET status = 'SUCCEEDED' WHERE status = 'REFUND_PENDING'")
    # The older code knows no such reason (reading one fails): the nearest it knows; the
    # audit log keeps PAYMENT_LATE_CAPTURE_REFUNDED with the reason it replaced.
    op.execute(
        "UPDATE purchases SET failure_reason = 'GATEWAY_ERROR'"
        " WHERE failure_reason = 'LATE_CAPTURE_REFUNDED'"
    )
    with op.batch_alter_table("purchases", schema=None) as batch_op:
        batch_op.drop_index("ix_purchases_status_next_check_at")
        batch_op.drop_column("late_payment_id")
        batch_op.drop_column("checks")
        batch_op.drop_column("next_check_at")
        batch_op.drop_column("refund_actor_id")
        batch_op.drop_constraint(batch_op.f("ck_purchases_status_known"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_purchases_status_known"), BEFORE)
