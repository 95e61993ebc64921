"""promo codes, and the code a purchase used

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23 02:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from casino_club.persistence.column_types import UTCDateTime

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "promo_codes",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=False),
        sa.Column("max_uses", sa.Integer(), nullable=True),
        sa.Column("per_user_limit", sa.Integer(), nullable=False),
        sa.Column("applies_to", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('PERCENT', 'FIXED')", name=op.f("ck_promo_codes_kind_known")),
        sa.CheckConstraint(
            "(kind = 'PERCENT' AND amount BETWEEN 1 AND 100 AND currency IS NULL) OR "
            "(kind = 'FIXED' AND amount > 0 AND currency IN ('USD', 'KRW', 'EUR'))",
            name=op.f("ck_promo_codes_amount_valid"),
        ),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_promo_codes_window_ordered")),
        sa.CheckConstraint(
            "per_user_limit >= 1 AND uses >= 0 AND (max_uses IS NULL OR uses <= max_uses)",
            name=op.f("ck_promo_codes_uses_held"),
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_promo_codes")),
    )
    with op.batch_alter_table("purchases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("promo_code", sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_purchases_promo_code_promo_codes"),
            "promo_codes",
            ["promo_code"],
            ["code"],
            ondelete="RESTRICT",
        )


def downgrade() -> None:
    with op.batch_alter_table("purchases", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_purchases_promo_code_promo_codes"), type_="foreignkey"
        )
        batch_op.drop_column("promo_code")
    op.drop_table("promo_codes")
