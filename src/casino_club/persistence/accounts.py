"""Opening an account: the user, wallet, first fairness seed, gacha progress, welcome gold."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.domain.ledger import LedgerReason, Movement
from casino_club.persistence import fairness, gacha, users, wallet
from casino_club.persistence.models import User
from casino_club.persistence.users import NewUser


async def open_account(
    session: AsyncSession, new: NewUser, *, bonus: int, now: datetime
) -> tuple[User, int]:
    """Everything a new account needs, in the caller's transaction; returns (user, gold).

    Raises users.IdentityTaken when the siteId or nickname was taken concurrently.
    """
    user = await users.create_user(session, new, now)
    await wallet.open_wallet(session, user.id, now)
    await fairness.open_seed(session, user.id, fairness.new_client_seed(), now)
    await gacha.open_progress(session, user.id)
    gold = 0
    if bonus:
        posted = await wallet.move_gold(
            session,
            user_id=user.id,
            movements=[Movement(bonus, LedgerReason.SIGNUP_BONUS, f"user:{user.id}")],
            now=now,
        )
        gold = posted[-1].balance_after
    return user, gold
