"""Crash types (SPEC §6.4). Multipliers are shown as numbers with two decimals."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import relay

from casino_club.domain import crash
from casino_club.domain.crash import RoundStatus, TickKind
from casino_club.domain.errors import BadUserInput
from casino_club.domain.ids import NodeKind, parse_node_id
from casino_club.schema.errors import UserError
from casino_club.schema.games import FairnessProof, RateLimited
from casino_club.schema.identity import LazyPlayer as Player
from casino_club.schema.identity import player as player_field
from casino_club.schema.identity import required_reference
from casino_club.schema.outcomes import bet_result, presents
from casino_club.schema.scalars import Gold

CrashRoundStatus = strawberry.enum(RoundStatus, name="CrashRoundStatus")


@strawberry.input
class CrashBetInput:
    stake: Gold
    auto_cashout: float | None = strawberry.field(
        default=None,
        description="Cash out automatically at this multiplier (1.01–1000000.00, step 0.01)",
    )
    idempotency_key: str | None = None


@strawberry.input
class CrashCashoutInput:
    round_id: strawberry.ID = strawberry.field(description="The round's global id.")


@strawberry.input(description="Narrow the rounds listed; every field is optional.")
class CrashRoundFilter:
    user_id: strawberry.ID | None = strawberry.field(
        default=None, description="The player's global id."
    )
    status: CrashRoundStatus | None = None  # type: ignore[valid-type]
    started_from: datetime | None = strawberry.field(default=None, description="Inclusive")
    started_before: datetime | None = strawberry.field(default=None, description="Exclusive")

    def value(self) -> crash.RoundFilter:
        """The filter as the use case takes it; a userId that names no user is refused."""
        user_id = None if self.user_id is None else parse_node_id(self.user_id, NodeKind.PLAYER)
        if self.user_id is not None and user_id is None:
            raise BadUserInput("filter.userId is not a user id")
        return crash.RoundFilter(
            user_id=user_id,
            status=None if self.status is None else RoundStatus(self.status),
            started_from=self.started_from,
            started_before=self.started_before,
        )


@presents(crash.CrashRound)
@strawberry.type(description="A crash round; its crash point stays secret until it ends.")
class CrashRound(relay.Node):
    id: relay.NodeID[int]
    user_id: strawberry.ID = required_reference(
        NodeKind.PLAYER, "user_id", description="The player's global id (a Player)."
    )
    status: CrashRoundStatus  # type: ignore[valid-type]
    stake: Gold
    auto_cashout: float | None
    started_at: datetime
    elapsed_ms: int = strawberry.field(
        description="Milliseconds of server time since the start (OPEN) or until the end"
    )
    multiplier: float = strawberry.field(
        description="OPEN: the multiplier now; CASHED_OUT: the cash-out; CRASHED: the crash point"
    )
    crash_point: float | None = strawberry.field(description="Revealed once the round has ended")
    payout: Gold | None = strawberry.field(
        description="Once settled: the gold credited (0 if lost)"
    )
    settled_at: datetime | None
    fairness: FairnessProof


@presents(crash.CrashBetPlaced)
@strawberry.type(description="The round is running; follow it with the crashRound subscription.")
class CrashBetPlaced:
    round: CrashRound
    player: Player = player_field(description="The caller, as this left them (their gold).")
    balance: Gold
    replayed: bool


@presents(crash.ActiveRoundExists, described=True)
@strawberry.type
class ActiveRoundExists(UserError):
    round: CrashRound


@presents(crash.RoundNotFound, described=True)
@strawberry.type
class RoundNotFound(UserError):
    pass


@presents(crash.CrashCashedOut)
@strawberry.type(description="Cashed out: the payout was credited once, at this multiplier.")
class CrashCashedOut:
    round: CrashRound
    player: Player = player_field(description="The caller, as this left them (their gold).")
    multiplier: float
    payout: Gold
    balance: Gold
    replayed: bool = strawberry.field(
        description="The round was settled earlier (a repeated cash-out or the auto-cash-out)"
    )


@presents(crash.CrashRoundLost, described=True)
@strawberry.type
class CrashRoundLost:
    round: CrashRound
    crash_point: float


CrashBetResult = bet_result("CrashBetResult", CrashBetPlaced, ActiveRoundExists)

CrashCashoutResult = Annotated[
    CrashCashedOut | CrashRoundLost | RoundNotFound | RateLimited,
    strawberry.union("CrashCashoutResult"),
]

CrashTickKind = strawberry.enum(TickKind, name="CrashTickKind")


@presents(crash.CrashTick, described=True)
@strawberry.type
class CrashTick:
    round_id: strawberry.ID = required_reference(
        NodeKind.CRASH_ROUND, "round_id", description="The round's global id (a CrashRound)."
    )
    kind: CrashTickKind  # type: ignore[valid-type]
    multiplier: float = strawberry.field(
        description="TICK: the multiplier now; CASHED_OUT: the cash-out; CRASHED: the crash point"
    )
    elapsed_ms: int
    crash_point: float | None = strawberry.field(description="Set on the final CRASHED")
    payout: Gold | None = strawberry.field(description="Set on the final CASHED_OUT")


@presents(crash.CrashOdds, described=True)
@strawberry.type
class CrashOdds:
    multiplier: float
    probability: float = strawberry.field(description="0.99 / multiplier")
    exact: str = strawberry.field(
        description="The exact probability over the 2^32 floats of the stream, as a fraction"
    )


@presents(crash.CrashConfig)
@strawberry.type(description="Crash rules and odds: every strategy returns 99%.")
class CrashConfig:
    rtp: float
    house_edge_percent: int
    curve: str
    growth_per_second: float
    tick_interval_ms: int
    min_stake: Gold
    max_stake: Gold
    min_auto_cashout: float
    max_auto_cashout: float
    instant_crash_probability: float = strawberry.field(
        description="P(crash point = 1.00): the round ends before any cash-out can win"
    )
    settle_within_seconds: int = strawberry.field(
        description="An unattended round is settled at most this long after it ends"
    )
    odds: list[CrashOdds]
