"""Mission types (SPEC §8.3): definitions, a player's progress, claims, operators' saves."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from casino_club.domain import missions
from casino_club.domain.hundredths import display
from casino_club.persistence.missions import Stored
from casino_club.schema.checkin import AlreadyClaimed
from casino_club.schema.errors import UserError, ValidationFailed
from casino_club.schema.games import PlayerExcluded
from casino_club.schema.scalars import Gold

MissionPeriodEnum = strawberry.enum(
    missions.MissionPeriod,
    name="MissionPeriod",
    description="DAILY resets at the game day's midnight, WEEKLY on Monday's; ONCE never.",
)
MissionEventEnum = strawberry.enum(missions.MissionEvent, name="MissionEvent")


@strawberry.type(description="What a mission asks for and what it pays.")
class Mission:
    id: strawberry.ID
    key: str
    title: str
    description: str
    period: MissionPeriodEnum  # type: ignore[valid-type]
    event: MissionEventEnum  # type: ignore[valid-type]
    target: Gold = strawberry.field(description="Events to count (gold, for GOLD_STAKED).")
    reward_gold: Gold
    reward_xp: int
    min_multiplier: float | None = strawberry.field(
        description="CRASH_CASHOUT: only cash-outs at this multiplier or more count."
    )
    min_level: int | None = strawberry.field(
        description="Below this level the mission is locked: nothing counts towards it."
    )
    active: bool

    @classmethod
    def of(cls, stored: Stored) -> Mission:
        mission = stored.mission
        return cls(
            id=strawberry.ID(str(stored.id)),
            key=mission.key,
            title=mission.title,
            description=mission.description,
            period=mission.period,
            event=mission.event,
            target=Gold(mission.target),
            reward_gold=Gold(mission.reward_gold),
            reward_xp=mission.reward_xp,
            min_multiplier=(
                None if mission.min_multiplier is None else display(mission.min_multiplier)
            ),
            min_level=mission.min_level,
            active=mission.active,
        )


@strawberry.type(description="A mission as the player stands on it in its current period.")
class PlayerMission:
    mission: Mission
    progress: Gold
    target: Gold = strawberry.field(
        description="The goal for this period: the mission's target when the period's "
        "first count was made (an edit applies from the next period)."
    )
    completed: bool
    claimed: bool
    locked: bool = strawberry.field(description="The player's level is below `minLevel`.")
    resets_at: datetime | None = strawberry.field(description="null for ONCE missions.")


@strawberry.input
class ClaimMissionRewardInput:
    mission_id: strawberry.ID


@strawberry.type(description="The mission's reward, paid.")
class MissionRewardClaimed:
    mission: Mission
    gold: Gold
    xp: int
    balance: Gold
    level: int


@strawberry.type(description="No active mission has this id.")
class MissionNotFound(UserError):
    @classmethod
    def new(cls) -> MissionNotFound:
        return cls(code="MISSION_NOT_FOUND", message="No such mission")


@strawberry.type(description="The mission is not complete in this period yet.")
class MissionNotComplete(UserError):
    progress: Gold
    target: Gold

    @classmethod
    def new(cls, progress: int, target: int) -> MissionNotComplete:
        return cls(
            code="MISSION_NOT_COMPLETE",
            message=f"Not complete yet: {progress} of {target}",
            progress=Gold(progress),
            target=Gold(target),
        )


ClaimMissionRewardResult = Annotated[
    MissionRewardClaimed | MissionNotComplete | AlreadyClaimed | MissionNotFound | PlayerExcluded,
    strawberry.union("ClaimMissionRewardResult"),
]


@strawberry.input(
    description="Create a mission (every field but those with defaults needed) or edit the "
    "one with this key (fields left out keep their value)."
)
class SaveMissionInput:
    key: str
    title: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    period: MissionPeriodEnum | None = strawberry.UNSET  # type: ignore[valid-type]
    event: MissionEventEnum | None = strawberry.UNSET  # type: ignore[valid-type]
    target: Gold | None = strawberry.UNSET
    reward_gold: Gold | None = strawberry.UNSET
    reward_xp: int | None = strawberry.UNSET
    min_multiplier: float | None = strawberry.UNSET
    min_level: int | None = strawberry.UNSET
    active: bool | None = strawberry.UNSET


@strawberry.type
class MissionSaved:
    mission: Mission
    created: bool


SaveMissionResult = Annotated[
    MissionSaved | ValidationFailed, strawberry.union("SaveMissionResult")
]


@strawberry.input
class DeleteMissionInput:
    key: str


@strawberry.type(description="The mission and every player's progress on it are gone.")
class MissionDeleted:
    key: str


DeleteMissionResult = Annotated[
    MissionDeleted | MissionNotFound, strawberry.union("DeleteMissionResult")
]
