"""Prize wheel (SPEC §6.6): the day's first spin is free (a unique row per game day
makes that hold under any concurrency); later spins cost 500 gold."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import strawberry
from sqlalchemy.exc import IntegrityError

from casino_club.context import Context, Viewer
from casino_club.domain import wheel
from casino_club.domain.days import game_day
from casino_club.domain.fairness import take
from casino_club.domain.games import Game, GameEventType
from casino_club.domain.ledger import LedgerReason
from casino_club.persistence import fairness, game_rounds, idempotency
from casino_club.persistence import gacha as store
from casino_club.persistence.idempotency import KeyRequest
from casino_club.persistence.models import WheelFreeSpin
from casino_club.persistence.wallet import Movement
from casino_club.resolvers import betting
from casino_club.schema.games import FairnessProof, InsufficientFunds, InvalidStake
from casino_club.schema.scalars import Gold
from casino_club.schema.wheel import (
    ExpectedItem,
    WheelConfig,
    WheelSegment,
    WheelSpinInput,
    WheelSpinResult,
    WheelSpinSuccess,
)

SEGMENTS = wheel.DEFAULT_SEGMENTS
wheel.validate(SEGMENTS)


def config() -> WheelConfig:
    expected = wheel.expected_gold(SEGMENTS)
    return WheelConfig(
        segments=[
            WheelSegment(
                index=i,
                label=s.label,
                kind=s.kind,
                gold=Gold(s.gold),
                item_id=s.item_id,
                weight=s.weight,
                probability=float(wheel.probability(i, SEGMENTS)),
            )
            for i, s in enumerate(SEGMENTS)
        ],
        spin_cost=Gold(wheel.SPIN_COST),
        free_spins_per_day=1,
        expected_gold=float(expected),
        expected_gold_exact=f"{expected.numerator}/{expected.denominator}",
        expected_items=[
            ExpectedItem(item_id=item_id, per_spin=float(p))
            for item_id, p in wheel.expected_items(SEGMENTS).items()
        ],
        expected_net_gold_paid=float(expected - wheel.SPIN_COST),
    )


async def spin(context: Context, viewer: Viewer, data: WheelSpinInput) -> WheelSpinResult:
    async def work(request: KeyRequest | None) -> WheelSpinSuccess | InsufficientFunds:
        return await _spin(context, viewer, request)

    result = await betting.guarded(
        context,
        viewer,
        stake=None,
        stake_limits=None,
        key=data.idempotency_key,
        operation="wheelSpin",
        parameters={},
        work=work,
        replay=lambda payload: WheelSpinSuccess.from_payload(payload, replayed=True),
    )
    assert not isinstance(result, InvalidStake), "a wheel spin has no stake to check"
    return result


async def _spin(
    context: Context, viewer: Viewer, request: KeyRequest | None
) -> WheelSpinSuccess | InsufficientFunds:
    services = context.services
    now = services.clock.now()
    today = game_day(now, ZoneInfo(services.settings.game_timezone))
    async with services.unit_of_work() as uow:
        session = uow.session
        claim = await idempotency.claim_if_keyed(session, request, now)
        try:
            async with session.begin_nested():
                session.add(WheelFreeSpin(user_id=viewer.id, day=today, spun_at=now))
                await session.flush()
            free = True
        except IntegrityError:
            free = False
        fair_round = await fairness.next_round(session, viewer.id)
        index = wheel.spin(take(fair_round.source, 1)[0], SEGMENTS)
        segment = SEGMENTS[index]
        proof = fair_round.proof
        reference = f"wheel:{fair_round.seed_id}:{proof.nonce}"
        paid = 0 if free else wheel.SPIN_COST
        movements = [Movement(-paid, LedgerReason.WHEEL_SPIN, reference)] if paid else []
        if segment.gold:
            movements.append(Movement(segment.gold, LedgerReason.WHEEL_PRIZE, reference))
        charged = await betting.post_gold(session, viewer, movements, now)
        if isinstance(charged, InsufficientFunds):
            return charged
        posted, balance = charged
        if segment.item_id is not None:
            await store.add_items(session, viewer.id, [segment.item_id], now)
        outcome = {
            "segment": index,
            "label": segment.label,
            "kind": segment.kind.value,
            "gold": segment.gold,
            "itemId": segment.item_id,
            "free": free,
        }
        round_id = await game_rounds.record(
            session,
            user_id=viewer.id,
            game=Game.WHEEL.value,
            stake=paid,
            payout=segment.gold,
            outcome=outcome,
            seed_id=fair_round.seed_id,
            proof=fair_round.proof,
            now=now,
        )
        success = WheelSpinSuccess(
            round_id=strawberry.ID(str(round_id)),
            segment_index=index,
            label=segment.label,
            kind=segment.kind,
            won_gold=Gold(segment.gold),
            won_item_id=segment.item_id,
            free=free,
            paid_gold=Gold(paid),
            balance=Gold(balance),
            fairness=FairnessProof.of(proof),
            replayed=False,
        )
        await betting.commit_and_publish(
            context,
            viewer,
            uow,
            claim=claim,
            result=success,
            posted=posted,
            event=GameEventType.WHEEL_SPIN,
            round_id=round_id,
            data=outcome,
            now=now,
        )
    return success
