"""purchases and processed payment webhook events

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 01:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from casino_club.persistence.column_types import UTCDateTime

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "purchases",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("unit_price_cents", sa.BigInteger(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("gold", sa.BigInteger(), nullable=False),
        sa.Column("bonus_gold", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("failure_reason", sa.String(length=32), nullable=True),
        sa.Column("gateway", sa.String(length=32), nullable=False),
        sa.Column("gateway_payment_id", sa.String(length=128), nullable=True),
        sa.Column("receipt_code", sa.String(length=32), nullable=True),
        sa.Column("receipt_signature", sa.String(length=64), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("settled_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('PENDING', 'SUCCEEDED', 'FAILED', 'VOIDED', 'REFUNDED')",
            name=op.f("ck_purchases_status_known"),
        ),
        sa.CheckConstraint(
            "quantity > 0 AND amount_cents > 0 AND gold >= 0",
            name=op.f("ck_purchases_amounts_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_purchases_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purchases")),
        sa.UniqueConstraint("gateway", "gateway_payment_id", name="uq_purchases_gateway_payment"),
        sa.UniqueConstraint("receipt_code", name=op.f("uq_purchases_receipt_code")),
    )
    op.create_index("ix_purchases_user_id_id", "purchases", ["user_id", "id"], unique=False)
    op.create_index(
        "ix_purchases_status_created_at", "purchases", ["status", "created_at"], unique=False
    )
    op.create_table(
        "payment_webhook_events",
        sa.Column("event_id", sa.String(length=128), nullable=False),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_payment_webhook_events")),
    )


def downgrade() -> None:
    op.drop_table("payment_webhook_events")
    op.drop_index("ix_purchases_status_created_at", table_name="purchases")
    op.drop_index("ix_purchases_user_id_id", table_name="purchases")
    op.drop_table("purchases")
