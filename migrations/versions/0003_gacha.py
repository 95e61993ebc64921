"""items, inventory and gacha state

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 04:44:55.323927
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from casino_club.persistence.column_types import UTCDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "gacha_stock",
        sa.Column("rarity", sa.String(length=16), nullable=False),
        sa.Column("remaining", sa.Integer(), nullable=False),
        sa.CheckConstraint("remaining >= 0", name=op.f("ck_gacha_stock_remaining_not_negative")),
        sa.PrimaryKeyConstraint("rarity", name=op.f("pk_gacha_stock")),
    )
    op.create_table(
        "items",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("rarity", sa.String(length=16), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_items")),
    )
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_items_rarity"), ["rarity"], unique=False)

    op.create_table(
        "gacha_progress",
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("pity", sa.Integer(), nullable=False),
        sa.Column("commons", sa.Integer(), nullable=False),
        sa.Column("rares", sa.Integer(), nullable=False),
        sa.Column("epics", sa.Integer(), nullable=False),
        sa.Column("legendaries", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_gacha_progress_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_gacha_progress")),
    )
    op.create_table(
        "inventory",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("item_id", sa.String(length=64), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("acquired_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("quantity >= 0", name=op.f("ck_inventory_quantity_not_negative")),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_inventory_item_id_items"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_inventory_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory")),
        sa.UniqueConstraint("user_id", "item_id", name="uq_inventory_user_item"),
    )

    # Every existing account gets its (empty) gacha progress row.
    op.execute(
        "INSERT INTO gacha_progress (user_id, pity, commons, rares, epics, legendaries) "
        "SELECT id, 0, 0, 0, 0, 0 FROM users"
    )


def downgrade() -> None:
    op.drop_table("inventory")
    op.drop_table("gacha_progress")
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_items_rarity"))

    op.drop_table("items")
    op.drop_table("gacha_stock")
