"""shop products

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 23:55:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from casino_club.persistence.column_types import UTCDateTime

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "products",
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("price_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("gold", sa.BigInteger(), nullable=False),
        sa.Column("bonus_gold", sa.BigInteger(), nullable=False),
        sa.Column("discount_percent", sa.Integer(), nullable=False),
        sa.Column("discount_ends_at", UTCDateTime(), nullable=True),
        sa.Column("min_rank", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.CheckConstraint("price_cents > 0", name=op.f("ck_products_price_positive")),
        sa.CheckConstraint(
            "gold >= 0 AND bonus_gold >= 0", name=op.f("ck_products_gold_not_negative")
        ),
        sa.CheckConstraint(
            "discount_percent >= 0 AND discount_percent < 100",
            name=op.f("ck_products_discount_in_range"),
        ),
        sa.CheckConstraint(
            "currency IN ('USD', 'KRW', 'EUR')", name=op.f("ck_products_currency_allowed")
        ),
        sa.PrimaryKeyConstraint("sku", name=op.f("pk_products")),
    )


def downgrade() -> None:
    op.drop_table("products")
