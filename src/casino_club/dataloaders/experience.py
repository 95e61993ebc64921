"""Players' whole experience by id: what check-ins and rewards gave plus what play
earned (persistence/player_stats.py), for every profile and level in one response."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from casino_club.persistence import player_stats
from casino_club.services import Services


def experience_by_id(services: Services) -> DataLoader[int, int]:
    async def load(ids: Sequence[int]) -> list[int]:
        async with services.sessionmaker() as session:
            found = await player_stats.total_xp(session, ids)
        return [found.get(user_id, 0) for user_id in ids]

    return DataLoader(load_fn=load, max_batch_size=500)
