"""limited packages, and the package a purchase holds stock of

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 01:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from casino_club.persistence.column_types import UTCDateTime

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "limited_packages",
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("price_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("gold", sa.BigInteger(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=False),
        sa.Column("total_stock", sa.Integer(), nullable=False),
        sa.Column("per_user_limit", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("reserved", sa.Integer(), nullable=False),
        sa.Column("sold", sa.Integer(), nullable=False),
        sa.CheckConstraint("price_cents > 0", name=op.f("ck_limited_packages_price_positive")),
        sa.CheckConstraint("gold >= 0", name=op.f("ck_limited_packages_gold_not_negative")),
        sa.CheckConstraint(
            "currency IN ('USD', 'KRW', 'EUR')", name=op.f("ck_limited_packages_currency_allowed")
        ),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_limited_packages_window_ordered")),
        sa.CheckConstraint("per_user_limit >= 1", name=op.f("ck_limited_packages_limit_positive")),
        sa.CheckConstraint(
            "reserved >= 0 AND sold >= 0 AND sold + reserved <= total_stock",
            name=op.f("ck_limited_packages_stock_held"),
        ),
        sa.PrimaryKeyConstraint("sku", name=op.f("pk_limited_packages")),
    )
    with op.batch_alter_table("purchases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("package_sku", sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_purchases_package_sku_limited_packages"),
            "limited_packages",
            ["package_sku"],
            ["sku"],
            ondelete="RESTRICT",
        )


def downgrade() -> None:
    with op.batch_alter_table("purchases", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_purchases_package_sku_limited_packages"), type_="foreignkey"
        )
        batch_op.drop_column("package_sku")
    op.drop_table("limited_packages")
