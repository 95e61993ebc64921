"""player stats: each player's totals per game, kept by every play's transaction

Existing history is summed into them, so the totals agree with it from the start.

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-23 07:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "player_stats",
        sa.Column("user_id", ID, nullable=False),
        sa.Column("game", sa.String(length=16), nullable=False),
        sa.Column("plays", sa.BigInteger(), nullable=False),
        sa.Column("wins", sa.BigInteger(), nullable=False),
        sa.Column("losses", sa.BigInteger(), nullable=False),
        sa.Column("staked", sa.BigInteger(), nullable=False),
        sa.Column("paid", sa.BigInteger(), nullable=False),
        sa.Column("biggest_win", sa.BigInteger(), nullable=False),
        sa.Column("best_multiplier", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_player_stats_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "game", name=op.f("pk_player_stats")),
    )
    # Crash's best cash-out multiplier is in history's outcome JSON; older rows count 0.
    op.execute(
        """
        INSERT INTO player_stats (user_id, game, plays, wins, losses, staked, paid,
            biggest_win, best_multiplier)
        SELECT user_id, game, count(*),
            sum(CASE WHEN payout > stake THEN 1 ELSE 0 END),
            sum(CASE WHEN payout < stake THEN 1 ELSE 0 END),
            sum(stake), sum(payout), max(payout), 0
        FROM game_history GROUP BY user_id, game
        """
    )


def downgrade() -> None:
    op.drop_table("player_stats")
