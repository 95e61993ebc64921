"""Ending a player's access everywhere once the transaction that ends it commits."""

from __future__ import annotations

from casino_club.persistence.unit_of_work import UnitOfWork
from casino_club.services import Services


def forget_sessions_after_commit(services: Services, uow: UnitOfWork, user_id: int) -> None:
    """What this transaction does ends or changes the player's access: once it commits, no
    instance may answer from a session check it cached before."""

    async def forget() -> None:
        await services.forget_sessions_of(user_id)

    uow.after_commit(forget)
