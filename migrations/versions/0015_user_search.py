"""users: operators search by siteId or nickname prefix and sort by lifetime spend

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-23 05:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        # Pattern ops: a prefix LIKE can use the index whatever the database's collation.
        batch_op.create_index(
            "ix_users_site_id_key_prefix",
            ["site_id_key"],
            unique=False,
            postgresql_ops={"site_id_key": "varchar_pattern_ops"},
        )
        batch_op.create_index(
            "ix_users_nickname_key_prefix",
            ["nickname_key"],
            unique=False,
            postgresql_ops={"nickname_key": "varchar_pattern_ops"},
        )
        batch_op.create_index(
            "ix_users_lifetime_spend_cents_id", ["lifetime_spend_cents", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index("ix_users_lifetime_spend_cents_id")
        batch_op.drop_index("ix_users_nickname_key_prefix")
        batch_op.drop_index("ix_users_site_id_key_prefix")
