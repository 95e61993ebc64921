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
from casino_club.schema.enums import graphql_enum
from casino_club.schema.errors import UserError
from casino_club.schema.games import (
    FairnessProof,
    RateLimited,
    balance_after,
    fairness_of,
    replayed,
)
from casino_club.schema.identity import LazyPlayer as Player
from casino_club.schema.identity import player as player_field
from casino_club.schema.identity import required_reference
from casino_club.schema.outcomes import bet_result, presents
from casino_club.schema.scalars import Gold

CrashRoundStatus = graphql_enum(
    RoundStatus,
    "CrashRoundStatus",
    "Where a crash round stands.",
    {
        RoundStatus.OPEN: "Running: the multiplier grows until a cash-out or the crash.",
        RoundStatus.CASHED_OUT: "The player cashed out before the crash and was paid.",
        RoundStatus.CRASHED: "It crashed before any cash-out: the stake is lost.",
    },
)


@strawberry.input(
    description="Open a crash round: the stake is debited now, the crash point fixed now (secret)."
)
class CrashBetInput:
    stake: Gold = strawberry.field(
        description="Gold to bet: a whole number within the game's minStake and maxStake (by "
        "default 10–100,000); debited at once."
    )
    auto_cashout: float | None = strawberry.field(
        default=None,
        description="Cash out automatically at this multiplier (1.01–1000000.00, step 0.01)",
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Up to 255 characters; a retry with the same key and input "
        "returns the first result instead of playing again. Without one, a retry plays again.",
    )


@strawberry.input(description="Cash out of a running round at the current multiplier.")
class CrashCashoutInput:
    round_id: strawberry.ID = strawberry.field(description="The round's global id.")


@strawberry.input(description="Narrow the rounds listed; every field is optional.")
class CrashRoundFilter:
    user_id: strawberry.ID | None = strawberry.field(
        default=None, description="The player's global id."
    )
    status: CrashRoundStatus | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Only rounds in this state."
    )
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
    status: CrashRoundStatus = strawberry.field(  # type: ignore[valid-type]
        description="Running, cashed out or crashed."
    )
    stake: Gold = strawberry.field(description="Gold bet.")
    auto_cashout: float | None = strawberry.field(
        description="The automatic cash-out target; null when none."
    )
    started_at: datetime = strawberry.field(
        description="When the round started (the multiplier is 1.00 then)."
    )
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
    settled_at: datetime | None = strawberry.field(
        description="When it was settled; null while OPEN."
    )
    fairness: FairnessProof = fairness_of("the crash point")


@presents(crash.CrashBetPlaced)
@strawberry.type(description="The round is running; follow it with the crashRound subscription.")
class CrashBetPlaced:
    round: CrashRound = strawberry.field(description="The round, OPEN.")
    player: Player = player_field(description="The caller, as this left them (their gold).")
    balance: Gold = balance_after("the stake was debited")
    replayed: bool = replayed()


@presents(crash.ActiveRoundExists, described=True)
@strawberry.type
class ActiveRoundExists(UserError):
    round: CrashRound = strawberry.field(
        description="The round still running: cash out of it or follow it."
    )


@presents(crash.RoundNotFound, described=True)
@strawberry.type
class RoundNotFound(UserError):
    pass


@presents(crash.CrashCashedOut)
@strawberry.type(description="Cashed out: the payout was credited once, at this multiplier.")
class CrashCashedOut:
    round: CrashRound = strawberry.field(description="The round, CASHED_OUT.")
    player: Player = player_field(description="The caller, as this left them (their gold).")
    multiplier: float = strawberry.field(description="The cash-out multiplier (two decimals).")
    payout: Gold = strawberry.field(
        description="floor(stake × multiplier), credited; the stake included."
    )
    balance: Gold = balance_after("the payout")
    replayed: bool = strawberry.field(
        description="The round was settled earlier (a repeated cash-out or the auto-cash-out)"
    )


@presents(crash.CrashRoundLost, described=True)
@strawberry.type
class CrashRoundLost:
    round: CrashRound = strawberry.field(description="The round, CRASHED.")
    crash_point: float = strawberry.field(description="Where it crashed.")


CrashBetResult = bet_result(
    "CrashBetResult",
    CrashBetPlaced,
    ActiveRoundExists,
    description="crashBet's answer: the round opened, or the one already running.",
)

CrashCashoutResult = Annotated[
    CrashCashedOut | CrashRoundLost | RoundNotFound | RateLimited,
    strawberry.union(
        "CrashCashoutResult",
        description="crashCashout's answer: paid, or lost (it crashed first), or a refusal.",
    ),
]

CrashTickKind = graphql_enum(
    TickKind,
    "CrashTickKind",
    "A running tick, or the last one of the stream.",
    {
        TickKind.TICK: "The round runs; `multiplier` is the value now.",
        TickKind.CASHED_OUT: "Last tick: cashed out at `multiplier`, `payout` credited.",
        TickKind.CRASHED: "Last tick: crashed at `crashPoint`.",
    },
)


@presents(crash.CrashTick, described=True)
@strawberry.type
class CrashTick:
    round_id: strawberry.ID = required_reference(
        NodeKind.CRASH_ROUND, "round_id", description="The round's global id (a CrashRound)."
    )
    kind: CrashTickKind = strawberry.field(  # type: ignore[valid-type]
        description="A running tick, or the final one."
    )
    multiplier: float = strawberry.field(
        description="TICK: the multiplier now; CASHED_OUT: the cash-out; CRASHED: the crash point"
    )
    elapsed_ms: int = strawberry.field(
        description="Milliseconds of server time since the round started."
    )
    crash_point: float | None = strawberry.field(description="Set on the final CRASHED")
    payout: Gold | None = strawberry.field(description="Set on the final CASHED_OUT")


@presents(crash.CrashOdds, described=True)
@strawberry.type
class CrashOdds:
    multiplier: float = strawberry.field(description="A cash-out target.")
    probability: float = strawberry.field(description="0.99 / multiplier")
    exact: str = strawberry.field(
        description="The exact probability over the 2^32 floats of the stream, as a fraction"
    )


@presents(crash.CrashConfig)
@strawberry.type(description="Crash rules and odds: every strategy returns 99%.")
class CrashConfig:
    rtp: float = strawberry.field(description="Return to player for any strategy (0.99).")
    house_edge_percent: int = strawberry.field(description="100 × (1 − rtp) (1).")
    curve: str = strawberry.field(
        description="The multiplier's formula, e.g. m(t) = e^(0.06·t), t in seconds."
    )
    growth_per_second: float = strawberry.field(description="The curve's rate (0.06).")
    tick_interval_ms: int = strawberry.field(
        description="Milliseconds between two ticks of the crashRound subscription (100)."
    )
    min_stake: Gold = strawberry.field(description="The smallest stake accepted, in gold.")
    max_stake: Gold = strawberry.field(description="The largest stake accepted, in gold.")
    min_auto_cashout: float = strawberry.field(
        description="The lowest autoCashout accepted (1.01)."
    )
    max_auto_cashout: float = strawberry.field(description="The highest autoCashout accepted.")
    instant_crash_probability: float = strawberry.field(
        description="P(crash point = 1.00): the round ends before any cash-out can win"
    )
    settle_within_seconds: int = strawberry.field(
        description="An unattended round is settled at most this long after it ends"
    )
    odds: list[CrashOdds] = strawberry.field(
        description="P(crash point ≥ multiplier) for a few targets."
    )
