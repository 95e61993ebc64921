"""Users by id, for public profiles referenced from many places in one response."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from casino_club.persistence import users
from casino_club.persistence.models import User
from casino_club.services import Services


def users_by_id(services: Services) -> DataLoader[int, User | None]:
    async def load(ids: Sequence[int]) -> list[User | None]:
        async with services.sessionmaker() as session:
            found = {user.id: user for user in await users.by_ids(session, ids)}
        return [found.get(user_id) for user_id in ids]

    return DataLoader(load_fn=load, max_batch_size=500)
