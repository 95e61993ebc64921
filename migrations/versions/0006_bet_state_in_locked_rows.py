"""bet state in the rows bets already lock

The slot win streak moves from Redis into the player's active fairness seed row (the
row every bet locks first), and the gacha daily pull count into the player's gacha
progress row (the row every pull locks): a check and its write are then one atomic
step, and a Redis flush no longer resets either.

Idempotency keys are now claimed inside the money transaction, so no IN_PROGRESS row is
ever committed; the ones left by requests that crashed under the old scheme never moved
money (completion was part of their commit) and are deleted so their keys can be used.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("DELETE FROM idempotency_keys WHERE state = 'IN_PROGRESS'")
    with op.batch_alter_table("fairness_seeds") as batch:
        batch.add_column(
            sa.Column("slot_win_streak", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("gacha_progress") as batch:
        batch.add_column(sa.Column("pulls_day", sa.Date(), nullable=True))
        batch.add_column(sa.Column("pulls_today", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("gacha_progress") as batch:
        batch.drop_column("pulls_today")
        batch.drop_column("pulls_day")
    with op.batch_alter_table("fairness_seeds") as batch:
        batch.drop_column("slot_win_streak")
