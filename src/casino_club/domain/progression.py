"""What an action moved forward besides gold: the level its XP reached, and the missions
it advanced. Published after its commit as LEVEL_UP, MISSION_PROGRESS and
MISSION_COMPLETED events."""

from __future__ import annotations

from dataclasses import dataclass

from casino_club.domain.missions import Advance


@dataclass(frozen=True, slots=True)
class Progression:
    level_reached: int | None = None  # None: no new level
    missions: tuple[Advance, ...] = ()


NOTHING = Progression()
