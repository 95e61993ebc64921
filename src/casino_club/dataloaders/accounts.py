"""Players' accounts and gold by id: every Player a response shows whose private fields
are selected (its owner's, or any for an operator) is read in one statement."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from casino_club.persistence import users
from casino_club.persistence.database import read_connection
from casino_club.persistence.users import HeldAccount
from casino_club.services import Services


def accounts_by_id(services: Services) -> DataLoader[int, HeldAccount | None]:
    async def load(ids: Sequence[int]) -> list[HeldAccount | None]:
        async with read_connection(services.engine) as connection:
            found = await users.accounts_of(connection, ids)
        return [found.get(user_id) for user_id in ids]

    return DataLoader(load_fn=load, max_batch_size=500)
