"""Prize wheel (SPEC §6.6): the day's first spin is free (a unique row per game day
makes that hold under any concurrency); later spins cost 500 gold."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from casino_club.context import Context, Viewer
from casino_club.domain import wheel
from casino_club.domain.days import game_day
from casino_club.domain.fairness import take
from casino_club.domain.games import Game, GameEventType
from casino_club.domain.refusals import BetRefusal, InvalidStake
from casino_club.persistence import gacha as store
from casino_club.persistence import wheel as free_spins
from casino_club.resolvers import betting
from casino_club.resolvers.betting import BetReceipt, Decision, OpenBet

KIND = betting.BetKind(
    game=Game.WHEEL,
    operation="wheelSpin",
    event=GameEventType.WHEEL_SPIN,
    success=wheel.WheelSpinSuccess,
)
SEGMENTS = wheel.DEFAULT_SEGMENTS
wheel.validate(SEGMENTS)


def config() -> wheel.WheelConfig:
    return wheel.published_config(SEGMENTS)


async def spin(
    context: Context, viewer: Viewer, key: str | None
) -> wheel.WheelSpinSuccess | BetRefusal:
    zone = context.services.settings.zone
    request = betting.BetRequest(KIND, key=key, parameters={})
    result = await betting.place_staged(context, viewer, request, WheelSpin(zone))
    assert not isinstance(result, InvalidStake), "a wheel spin has no stake to check"
    return result


@dataclass(frozen=True, slots=True)
class WheelSpin:
    zone: ZoneInfo  # where the game day, and so the free spin, begins

    async def decide(self, bet: OpenBet) -> Decision[wheel.WheelSpinSuccess]:
        free = await free_spins.take_free_spin(
            bet.db, bet.user_id, game_day(bet.now, self.zone), bet.now
        )
        index = wheel.spin(take(bet.fair_round.source, 1)[0], SEGMENTS)
        segment = SEGMENTS[index]
        if segment.item_id is not None:
            await store.add_items(bet.db, bet.user_id, [segment.item_id], bet.now)
        cost = 0 if free else wheel.SPIN_COST
        proof = bet.fair_round.proof

        def answer(placed: BetReceipt) -> wheel.WheelSpinSuccess:
            return wheel.WheelSpinSuccess(
                round_id=placed.round_id,
                segment_index=index,
                label=segment.label,
                kind=segment.kind,
                won_gold=segment.gold,
                won_item_id=segment.item_id,
                free=free,
                paid_gold=cost,
                balance=placed.balance,
                fairness=proof,
            )

        return Decision(
            cost=cost,
            payout=segment.gold,
            details={
                "segment": index,
                "label": segment.label,
                "kind": segment.kind.value,
                "gold": segment.gold,
                "itemId": segment.item_id,
                "free": free,
            },
            answer=answer,
        )
