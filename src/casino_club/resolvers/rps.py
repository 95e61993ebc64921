"""Rock-paper-scissors (SPEC §6.5): a bet through `betting`."""

from __future__ import annotations

from dataclasses import dataclass

import strawberry

from casino_club.context import Context, Viewer
from casino_club.domain import rps
from casino_club.domain.fairness import take
from casino_club.domain.games import Game, GameEventType
from casino_club.persistence.bets import Outcome, Written
from casino_club.persistence.fairness import Round
from casino_club.resolvers import betting
from casino_club.schema.rps import RpsConfig, RpsPlayInput, RpsPlayResult, RpsPlaySuccess
from casino_club.schema.scalars import Gold
from casino_club.services import Services

KIND = betting.BetKind(
    game=Game.RPS,
    operation="rpsPlay",
    event=GameEventType.RPS_PLAY,
    success=RpsPlaySuccess,
)


def config(services: Services) -> RpsConfig:
    rtp = rps.exact_rtp()
    return RpsConfig(
        win_multiplier=rps.WIN_PAYS_PERCENT / 100,
        draw_multiplier=1.0,
        rtp=float(rtp),
        rtp_exact=f"{rtp.numerator}/{rtp.denominator}",
        min_stake=Gold(services.settings.rps_min_stake),
        max_stake=Gold(services.settings.rps_max_stake),
    )


async def play(context: Context, viewer: Viewer, data: RpsPlayInput) -> RpsPlayResult:
    settings = context.services.settings
    stake = int(data.stake)
    move = rps.Move(data.move)
    request = betting.BetRequest(
        KIND,
        key=data.idempotency_key,
        parameters={"move": move.value},
        stake=stake,
        stake_limits=(settings.rps_min_stake, settings.rps_max_stake),
    )
    return await betting.place_instant(context, viewer, request, RpsPlay(stake, move))


@dataclass(frozen=True, slots=True)
class RpsPlay:
    stake: int
    move: rps.Move

    def outcome(self, fair_round: Round) -> Outcome:
        played = rps.play(self.stake, self.move, take(fair_round.source, 1)[0])
        return Outcome(
            payout=played.payout,
            details={
                "move": played.player.value,
                "serverMove": played.server.value,
                "outcome": played.result.value,
            },
        )

    def answer(self, written: Written) -> RpsPlaySuccess:
        return RpsPlaySuccess(
            round_id=strawberry.ID(str(written.round_id)),
            move=self.move,
            server_move=rps.Move(written.outcome.details["serverMove"]),
            outcome=rps.Result(written.outcome.details["outcome"]),
            stake=Gold(self.stake),
            payout=Gold(written.outcome.payout),
            balance=Gold(written.balance),
            fairness=written.fair_round.proof,
            replayed=False,
        )
