"""Gacha (SPEC §6.3): pay (gold or a ticket), roll with pity and stock, refund
duplicates, fill the inventory — one transaction — within a daily pull limit."""

from __future__ import annotations

from typing import cast
from zoneinfo import ZoneInfo

import strawberry

from casino_club.context import Context, Viewer
from casino_club.domain import gacha
from casino_club.domain.days import game_day, next_day_start
from casino_club.domain.fairness import take
from casino_club.domain.games import Game, GameEventType
from casino_club.domain.ledger import LedgerReason
from casino_club.persistence import fairness, game_rounds, idempotency
from casino_club.persistence import gacha as store
from casino_club.persistence.idempotency import KeyRequest
from casino_club.persistence.wallet import Movement
from casino_club.resolvers import betting
from casino_club.schema.errors import ValidationFailed
from casino_club.schema.gacha import (
    DailyLimitReached,
    DailyPullLimit,
    GachaConfig,
    GachaItem,
    GachaPullInput,
    GachaPullResult,
    GachaPullSuccess,
    GachaStatus,
    NoTicket,
    PullCount,
    PulledItem,
    PullPayment,
    RarityCount,
    RarityOdds,
)
from casino_club.schema.games import FairnessProof, InsufficientFunds, InvalidStake
from casino_club.schema.scalars import Gold
from casino_club.services import Services

OPERATION = "gachaPull"  # the mutation's name, as every idempotency key records it
PullAttempt = GachaPullSuccess | InsufficientFunds | NoTicket | DailyLimitReached


async def pull(context: Context, viewer: Viewer, data: GachaPullInput) -> GachaPullResult:
    count = PullCount(data.count).value
    pay_with = PullPayment(data.pay_with)
    if pay_with is PullPayment.TICKET and count != 1:
        return ValidationFailed.single(
            "payWith", "TICKET_SINGLE_ONLY", "a ticket pays one single pull"
        )

    async def work(request: KeyRequest | None) -> PullAttempt:
        return await _pull(context, viewer, count, pay_with, request)

    result = await betting.guarded(
        context,
        viewer,
        stake=None,
        stake_limits=None,
        key=data.idempotency_key,
        operation=OPERATION,
        parameters={"count": count, "payWith": pay_with.value},
        work=work,
        replay=lambda payload: GachaPullSuccess.from_payload(payload, replayed=True),
    )
    assert not isinstance(result, InvalidStake), "a pull has no stake to check"
    # mypy widens play()'s error type variable to their common base class.
    return cast(GachaPullResult, result)


async def _pull(
    context: Context,
    viewer: Viewer,
    count: int,
    pay_with: PullPayment,
    request: KeyRequest | None,
) -> PullAttempt:
    """One pull action in one transaction; the daily count is taken under the lock on
    the player's gacha row, so a refused or failed pull rolls its count back with it."""
    services = context.services
    rules = services.gacha
    now = services.clock.now()
    zone = ZoneInfo(services.settings.game_timezone)
    today = game_day(now, zone)
    async with services.unit_of_work() as uow:
        session = uow.session
        claim = await idempotency.claim_if_keyed(session, request, now)
        progress = await store.progress_for_update(session, viewer.id)
        limit = rules.daily_limits[viewer.rank]
        used = gacha.pulls_used(progress.pulls_day, progress.pulls_today, today)
        if used >= limit:
            return DailyLimitReached.new(limit, used, next_day_start(now, zone))
        progress.pulls_day = today
        progress.pulls_today = used + 1
        pools = await store.pools(session)
        fair_round = await fairness.next_round(session, viewer.id)
        floats = take(fair_round.source, count)
        # Only the rolled rarities' stock rows are touched, by conditional updates: pulls
        # that roll nothing stocked never wait for each other. Losing a race for the last
        # units means deciding again on the stock as it now is, held this time.
        outcome = gacha.pull_items(
            floats, progress.pity, pools, await store.stock(session, lock=False), rules
        )
        if not await store.take_stock(session, outcome.stock_taken):
            held = await store.stock(session, lock=True)
            outcome = gacha.pull_items(floats, progress.pity, pools, held, rules)
            if not await store.take_stock(session, outcome.stock_taken):
                raise RuntimeError("stock changed under a locked read")
        owned = await store.owned(session, viewer.id, (e.item.id for e in outcome.items))
        refund = gacha.refund_for(outcome.items, owned, rules)
        proof = fair_round.proof
        reference = f"gacha:{fair_round.seed_id}:{proof.nonce}"
        paid = 0
        movements: list[Movement] = []
        if pay_with is PullPayment.TICKET:
            if not await store.consume(session, viewer.id, store.GACHA_TICKET, now):
                return NoTicket.new()
        else:
            paid = gacha.cost(count, rules)
            movements.append(Movement(-paid, LedgerReason.GACHA_PULL, reference))
        if refund:
            movements.append(Movement(refund, LedgerReason.GACHA_REFUND, reference))
        charged = await betting.post_gold(session, viewer, movements, now)
        if isinstance(charged, InsufficientFunds):
            return charged
        posted, balance = charged
        await store.add_items(session, viewer.id, [e.item.id for e in outcome.items], now)
        progress_before = progress.pity
        progress.pity = outcome.pity_after
        received = gacha.count_by_rarity(outcome.items)
        progress.commons += received[gacha.Rarity.COMMON]
        progress.rares += received[gacha.Rarity.RARE]
        progress.epics += received[gacha.Rarity.EPIC]
        progress.legendaries += received[gacha.Rarity.LEGENDARY]
        items = [
            PulledItem(
                item=GachaItem(id=entry.item.id, name=entry.item.name, rarity=entry.item.rarity),
                animation=entry.animation,
                pity=entry.pity,
                downgraded=entry.downgraded,
                duplicate=duplicate,
            )
            for entry, duplicate in zip(
                outcome.items, gacha.duplicate_flags(outcome.items, owned), strict=True
            )
        ]
        history = {
            "items": [
                {"id": e.item.id, "rarity": e.item.rarity.value, "animation": e.animation.value}
                for e in outcome.items
            ],
            "payWith": pay_with.value,
            "refund": refund,
            "pityBefore": progress_before,
            "pityAfter": outcome.pity_after,
        }
        round_id = await game_rounds.record(
            session,
            user_id=viewer.id,
            game=Game.GACHA.value,
            stake=paid,
            payout=refund,
            outcome=history,
            seed_id=fair_round.seed_id,
            proof=fair_round.proof,
            now=now,
        )
        success = GachaPullSuccess(
            round_id=strawberry.ID(str(round_id)),
            items=items,
            paid_gold=Gold(paid),
            refunded_gold=Gold(refund),
            pity_counter=outcome.pity_after,
            daily_remaining=limit - used - 1,
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
            event=GameEventType.GACHA_PULL,
            round_id=round_id,
            data=history,
            now=now,
        )
    return success


async def config(services: Services) -> GachaConfig:
    rules = services.gacha
    effective = gacha.effective_rates(rules)
    async with services.sessionmaker() as session:
        pools = await store.pools(session)
        stock = await store.stock(session, lock=False)
    return GachaConfig(
        rarities=[
            RarityOdds(
                rarity=rarity,
                rate=rules.rates_bp[rarity] / rules.total_bp,
                effective_rate=float(effective[rarity]),
                effective_rate_exact=f"{effective[rarity].numerator}/{effective[rarity].denominator}",
                duplicate_refund=Gold(rules.duplicate_refund[rarity]),
                remaining_stock=stock.get(rarity),
                items=[GachaItem(id=i.id, name=i.name, rarity=i.rarity) for i in pools[rarity]],
            )
            for rarity in gacha.RARITY_ORDER
        ],
        pity_threshold=rules.pity_threshold,
        single_cost=Gold(rules.single_cost),
        ten_cost=Gold(rules.ten_cost),
        daily_limits=[
            DailyPullLimit(rank=rank, pulls_per_day=n) for rank, n in rules.daily_limits.items()
        ],
    )


async def status(services: Services, user_id: int) -> GachaStatus:
    today = game_day(services.clock.now(), ZoneInfo(services.settings.game_timezone))
    async with services.sessionmaker() as session:
        row = await store.progress(session, user_id)
    pulls_today = gacha.pulls_used(row.pulls_day, row.pulls_today, today) if row else 0
    counts = {
        gacha.Rarity.COMMON: row.commons if row else 0,
        gacha.Rarity.RARE: row.rares if row else 0,
        gacha.Rarity.EPIC: row.epics if row else 0,
        gacha.Rarity.LEGENDARY: row.legendaries if row else 0,
    }
    return GachaStatus(
        pity_counter=row.pity if row else 0,
        pulls_today=pulls_today,
        counts_by_rarity=[RarityCount(rarity=r, count=counts[r]) for r in gacha.RARITY_ORDER],
    )
