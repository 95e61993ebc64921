"""Rock-paper-scissors (SPEC §6.5): a bet through `betting`."""

from __future__ import annotations

from dataclasses import dataclass

from casino_club.context import Context, Viewer
from casino_club.domain import rps
from casino_club.domain.fairness import take
from casino_club.domain.games import Game, GameEventType, exact_text
from casino_club.domain.refusals import BetRefusal
from casino_club.persistence.bets import Outcome, SettledBet
from casino_club.persistence.fairness import Round
from casino_club.resolvers import betting
from casino_club.services import Services

KIND = betting.BetKind(
    game=Game.RPS,
    operation="rpsPlay",
    event=GameEventType.RPS_PLAY,
    success=rps.RpsPlaySuccess,
)


def config(services: Services) -> rps.RpsConfig:
    rtp = rps.exact_rtp()
    return rps.RpsConfig(
        win_multiplier=rps.WIN_PAYS_PERCENT / 100,
        draw_multiplier=1.0,
        rtp=float(rtp),
        rtp_exact=exact_text(rtp),
        min_stake=services.settings.rps_min_stake,
        max_stake=services.settings.rps_max_stake,
    )


async def play(
    context: Context, viewer: Viewer, stake: int, move: rps.Move, key: str | None
) -> rps.RpsPlaySuccess | BetRefusal:
    settings = context.services.settings
    request = betting.BetRequest(
        KIND,
        key=key,
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

    def answer(self, written: SettledBet) -> rps.RpsPlaySuccess:
        return rps.RpsPlaySuccess(
            round_id=written.round_id,
            move=self.move,
            server_move=rps.Move(written.outcome.details["serverMove"]),
            outcome=rps.Result(written.outcome.details["outcome"]),
            stake=self.stake,
            payout=written.outcome.payout,
            balance=written.balance,
            fairness=written.fair_round.proof,
        )
