"""Mission types (SPEC §8.3): definitions, a player's progress, claims, operators' saves."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import relay

from casino_club.domain import missions
from casino_club.domain.hundredths import display
from casino_club.schema.checkin import AlreadyClaimed
from casino_club.schema.enums import graphql_enum
from casino_club.schema.errors import UserError, ValidationFailed
from casino_club.schema.games import PlayerExcluded
from casino_club.schema.identity import LazyPlayer as Player
from casino_club.schema.identity import player as player_field
from casino_club.schema.outcomes import presents
from casino_club.schema.scalars import Gold

MissionPeriodEnum = graphql_enum(
    missions.MissionPeriod,
    "MissionPeriod",
    "DAILY resets at the game day's midnight, WEEKLY on Monday's; ONCE never.",
    {
        missions.MissionPeriod.DAILY: "Progress and claim start over every game day.",
        missions.MissionPeriod.WEEKLY: "Progress and claim start over every Monday.",
        missions.MissionPeriod.ONCE: "Completed and claimed once, ever.",
    },
)
E = missions.MissionEvent
MissionEventEnum = graphql_enum(
    E,
    "MissionEvent",
    "What a mission counts; progress moves in the transaction of the action itself.",
    {
        E.SLOT_SPIN: "One per slot spin.",
        E.SLOT_WIN: "One per slot spin that paid.",
        E.GACHA_PULL: "One per item pulled: a ten-pull counts ten.",
        E.CRASH_BET: "One per crash bet.",
        E.CRASH_CASHOUT: "One per crash cash-out (at minMultiplier or more, when set).",
        E.RPS_PLAY: "One per rock-paper-scissors round.",
        E.RPS_WIN: "One per rock-paper-scissors win.",
        E.DICE_ROLL: "One per dice roll.",
        E.DICE_WIN: "One per winning dice roll.",
        E.WHEEL_SPIN: "One per prize-wheel spin.",
        E.GOLD_STAKED: "The gold staked in any game (the amount, not the plays).",
        E.PURCHASE: "One per successful purchase.",
        E.DAILY_CHECKIN: "One per daily check-in.",
    },
)


MissionValue = strawberry.Parent[missions.StoredMission]


@presents(missions.StoredMission)
@strawberry.type(description="What a mission asks for and what it pays.")
class Mission(relay.Node):
    id: relay.NodeID[int]

    @strawberry.field(description="The mission's stable key (e.g. daily_spins).")
    def key(self, root: MissionValue) -> str:
        return root.mission.key

    @strawberry.field(description="Its display title.")
    def title(self, root: MissionValue) -> str:
        return root.mission.title

    @strawberry.field(description="Its display text.")
    def description(self, root: MissionValue) -> str:
        return root.mission.description

    @strawberry.field(description="How often it can be completed and claimed.")
    def period(self, root: MissionValue) -> MissionPeriodEnum:  # type: ignore[valid-type]
        return root.mission.period

    @strawberry.field(description="What it counts.")
    def event(self, root: MissionValue) -> MissionEventEnum:  # type: ignore[valid-type]
        return root.mission.event

    @strawberry.field(description="Events to count (gold, for GOLD_STAKED).")
    def target(self, root: MissionValue) -> Gold:
        return Gold(root.mission.target)

    @strawberry.field(description="Gold its claim credits.")
    def reward_gold(self, root: MissionValue) -> Gold:
        return Gold(root.mission.reward_gold)

    @strawberry.field(description="XP its claim credits.")
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

    @strawberry.field(description="False hides it from players.")
    def active(self, root: MissionValue) -> bool:
        return root.mission.active


@presents(missions.PlayerMission)
@strawberry.type(description="A mission as the player stands on it in its current period.")
class PlayerMission:
    mission: Mission = strawberry.field(description="The mission.")
    progress: Gold = strawberry.field(
        description="Events counted this period (gold, for GOLD_STAKED)."
    )
    target: Gold = strawberry.field(
        description="The goal for this period: the mission's target when the period's "
        "first count was made (an edit applies from the next period)."
    )
    completed: bool = strawberry.field(description="progress reached the target.")
    claimed: bool = strawberry.field(description="The reward was claimed this period.")
    locked: bool = strawberry.field(description="The player's level is below `minLevel`.")
    resets_at: datetime | None = strawberry.field(description="null for ONCE missions.")


@strawberry.input(description="Claim a completed mission's reward, once per period.")
class ClaimMissionRewardInput:
    mission_id: strawberry.ID = strawberry.field(description="The mission (Mission.id).")


@presents(missions.MissionRewardClaimed, described=True)
@strawberry.type
class MissionRewardClaimed:
    mission: Mission = strawberry.field(description="The mission.")
    player: Player = player_field(
        description="The caller, as this left them (their gold and level)."
    )
    gold: Gold = strawberry.field(description="Gold credited.")
    xp: int = strawberry.field(description="XP credited.")
    balance: Gold = strawberry.field(description="The caller's gold after.")
    level: int = strawberry.field(description="The caller's level after.")


@presents(missions.MissionNotFound)
@strawberry.type(description="No active mission has this id.")
class MissionNotFound(UserError):
    pass


@presents(missions.MissionNotComplete, described=True)
@strawberry.type
class MissionNotComplete(UserError):
    progress: Gold = strawberry.field(description="Events counted so far this period.")
    target: Gold = strawberry.field(description="Events needed.")


ClaimMissionRewardResult = Annotated[
    MissionRewardClaimed | MissionNotComplete | AlreadyClaimed | MissionNotFound | PlayerExcluded,
    strawberry.union(
        "ClaimMissionRewardResult",
        description="claimMissionReward's answer: the reward, or why none was given.",
    ),
]


@strawberry.input(
    description="Create a mission (every field but those with defaults needed) or edit the "
    "one with this key (fields left out keep their value)."
)
class SaveMissionInput:
    key: str = strawberry.field(
        description="The stable key: the mission to create, or the one to edit."
    )
    title: str | None = strawberry.field(default=strawberry.UNSET, description="Its display title.")
    description: str | None = strawberry.field(
        default=strawberry.UNSET, description="Its display text."
    )
    period: MissionPeriodEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=strawberry.UNSET, description="DAILY, WEEKLY or ONCE."
    )
    event: MissionEventEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=strawberry.UNSET, description="What it counts."
    )
    target: Gold | None = strawberry.field(
        default=strawberry.UNSET,
        description="Events to count (gold, for GOLD_STAKED); more than 0.",
    )
    reward_gold: Gold | None = strawberry.field(
        default=strawberry.UNSET, description="Gold its claim credits."
    )
    reward_xp: int | None = strawberry.field(
        default=strawberry.UNSET, description="XP its claim credits."
    )
    min_multiplier: float | None = strawberry.field(
        default=strawberry.UNSET,
        description="CRASH_CASHOUT only: count cash-outs at this multiplier or more; null: any.",
    )
    min_level: int | None = strawberry.field(
        default=strawberry.UNSET, description="Players below this level see it locked; null: none."
    )
    active: bool | None = strawberry.field(
        default=strawberry.UNSET, description="False hides it from players."
    )


@presents(missions.MissionSaved)
@strawberry.type(description="The mission as now stored.")
class MissionSaved:
    mission: Mission = strawberry.field(description="The mission.")
    created: bool = strawberry.field(description="True when this save created it.")


SaveMissionResult = Annotated[
    MissionSaved | ValidationFailed,
    strawberry.union(
        "SaveMissionResult",
        description="saveMission's answer.",
    ),
]


@strawberry.input(description="Delete a mission (admin).")
class DeleteMissionInput:
    key: str = strawberry.field(description="The mission's key.")


@presents(missions.MissionDeleted, described=True)
@strawberry.type
class MissionDeleted:
    key: str = strawberry.field(description="The deleted mission's key.")


DeleteMissionResult = Annotated[
    MissionDeleted | MissionNotFound,
    strawberry.union(
        "DeleteMissionResult",
        description="deleteMission's answer.",
    ),
]
