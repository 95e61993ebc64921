"""Mission types (SPEC §8.3): definitions, a player's progress, claims, operators' saves."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import relay

from casino_club.domain import missions
from casino_club.domain.hundredths import display
from casino_club.schema.checkin import AlreadyClaimed
from casino_club.schema.errors import UserError, ValidationFailed
from casino_club.schema.games import PlayerExcluded
from casino_club.schema.identity import LazyPlayer as Player
from casino_club.schema.identity import player as player_field
from casino_club.schema.outcomes import presents
from casino_club.schema.scalars import Gold

MissionPeriodEnum = strawberry.enum(
    missions.MissionPeriod,
    name="MissionPeriod",
    description="DAILY resets at the game day's midnight, WEEKLY on Monday's; ONCE never.",
)
MissionEventEnum = strawberry.enum(missions.MissionEvent, name="MissionEvent")


MissionValue = strawberry.Parent[missions.StoredMission]


@presents(missions.StoredMission)
@strawberry.type(description="What a mission asks for and what it pays.")
class Mission(relay.Node):
    id: relay.NodeID[int]

    @strawberry.field
    def key(self, root: MissionValue) -> str:
        return root.mission.key

    @strawberry.field
    def title(self, root: MissionValue) -> str:
        return root.mission.title

    @strawberry.field
    def description(self, root: MissionValue) -> str:
        return root.mission.description

    @strawberry.field
    def period(self, root: MissionValue) -> MissionPeriodEnum:  # type: ignore[valid-type]
        return root.mission.period

    @strawberry.field
    def event(self, root: MissionValue) -> MissionEventEnum:  # type: ignore[valid-type]
        return root.mission.event

    @strawberry.field(description="Events to count (gold, for GOLD_STAKED).")
    def target(self, root: MissionValue) -> Gold:
        return Gold(root.mission.target)

    @strawberry.field
    def reward_gold(self, root: MissionValue) -> Gold:
        return Gold(root.mission.reward_gold)

    @strawberry.field
    def reward_xp(self, root: MissionValue) -> int:
        return root.mission.reward_xp

    @strawberry.field(description="CRASH_CASHOUT: only cash-outs at this multiplier or more count.")
    def min_multiplier(self, root: MissionValue) -> float | None:
        hundredths = root.mission.min_multiplier
        return None if hundredths is None else display(hundredths)

    @strawberry.field(
        description="Below this level the mission is locked: nothing counts towards it."
    )
    def min_level(self, root: MissionValue) -> int | None:
        return root.mission.min_level

    @strawberry.field
    def active(self, root: MissionValue) -> bool:
        return root.mission.active


@presents(missions.PlayerMission)
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


@presents(missions.MissionRewardClaimed, described=True)
@strawberry.type
class MissionRewardClaimed:
    mission: Mission
    player: Player = player_field(
        description="The caller, as this left them (their gold and level)."
    )
    gold: Gold
    xp: int
    balance: Gold
    level: int


@presents(missions.MissionNotFound)
@strawberry.type(description="No active mission has this id.")
class MissionNotFound(UserError):
    pass


@presents(missions.MissionNotComplete, described=True)
@strawberry.type
class MissionNotComplete(UserError):
    progress: Gold
    target: Gold


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


@presents(missions.MissionSaved)
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


@presents(missions.MissionDeleted, described=True)
@strawberry.type
class MissionDeleted:
    key: str


DeleteMissionResult = Annotated[
    MissionDeleted | MissionNotFound, strawberry.union("DeleteMissionResult")
]
