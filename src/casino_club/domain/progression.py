"""What an action moved forward besides gold: the player's experience (when it changed),
the level it reached, and the missions it advanced. Published after its commit as
LEVEL_UP, MISSION_PROGRESS and MISSION_COMPLETED events, and fed to the LEVEL board."""

from __future__ import annotations

from dataclasses import dataclass

from casino_club.domain.missions import Advance


@dataclass(frozen=True, slots=True)
class Progression:
    level_reached: int | None = None  # None: no new level
    missions: tuple[Advance, ...] = ()
    xp: int | None = None  # the player's experience after the action, if it changed


NOTHING = Progression()
