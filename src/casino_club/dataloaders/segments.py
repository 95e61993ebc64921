"""Players' segments by id: the operators' list of a page of players shows each one's
segments from one statement."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from casino_club.domain.segments import PlayerSegments
from casino_club.persistence import segments
from casino_club.services import Services


def segments_by_id(services: Services) -> DataLoader[int, PlayerSegments | None]:
    async def load(ids: Sequence[int]) -> list[PlayerSegments | None]:
        async with services.sessionmaker() as session:
            found = await segments.of_players(session, ids)
        return [
            None if (row := found.get(user_id)) is None else segments.as_segments(row)
            for user_id in ids
        ]

    return DataLoader(load_fn=load, max_batch_size=500)
