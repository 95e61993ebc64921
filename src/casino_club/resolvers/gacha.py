"""Gacha (SPEC §6.3): pay (gold or a ticket), roll with pity and stock, refund
duplicates, fill the inventory — one transaction — within a daily pull limit."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from casino_club.context import Context, Viewer
from casino_club.domain import gacha
from casino_club.domain.days import game_day, next_day_start
from casino_club.domain.fairness import take
from casino_club.domain.gacha import DailyLimitReached, GachaPullSuccess, NoTicket, PullPayment
from casino_club.domain.games import Game, GameEventType, exact_text
from casino_club.domain.refusals import BetRefusal, InvalidStake, ValidationFailed
from casino_club.persistence import gacha as store
from casino_club.persistence.driver import SessionStatements
from casino_club.resolvers import betting
from casino_club.resolvers.betting import BetReceipt, Decision, OpenBet
from casino_club.services import Services

KIND = betting.BetKind(
    game=Game.GACHA,
    operation="gachaPull",
    event=GameEventType.GACHA_PULL,
    success=GachaPullSuccess,
)


async def pull(
    context: Context, viewer: Viewer, count: int, pay_with: PullPayment, key: str | None
) -> GachaPullSuccess | NoTicket | DailyLimitReached | BetRefusal:
    if pay_with is PullPayment.TICKET and count != 1:
        return ValidationFailed.single(
            "payWith", "TICKET_SINGLE_ONLY", "a ticket pays one single pull"
        )
    services = context.services
    request = betting.BetRequest(
        KIND, key=key, parameters={"count": count, "payWith": pay_with.value}
    )
    game: betting.StagedGame[GachaPullSuccess, NoTicket | DailyLimitReached] = GachaPull(
        count,
        pay_with,
        services.gacha,
        services.gacha.daily_limits[viewer.rank],
        services.settings.zone,
    )
    result = await betting.place_staged(context, viewer, request, game)
    assert not isinstance(result, InvalidStake), "a pull has no stake to check"
    return result


@dataclass(frozen=True, slots=True)
class GachaPull:
    """One pull action (one or ten items). The daily count is taken under the lock on
    the player's gacha row, so a refused or failed pull rolls its count back with it."""

    count: int
    pay_with: PullPayment
    rules: gacha.GachaRules
    daily_limit: int
    zone: ZoneInfo  # where the game day, and so the daily count, begins

    async def decide(
        self, bet: OpenBet
    ) -> Decision[GachaPullSuccess] | DailyLimitReached | NoTicket:
        db, rules, now = bet.db, self.rules, bet.now
        today = game_day(now, self.zone)
        progress = await store.progress_for_update(db, bet.user_id)
        used = gacha.pulls_used(progress.pulls_day, progress.pulls_today, today)
        if used >= self.daily_limit:
            return DailyLimitReached(self.daily_limit, used, next_day_start(now, self.zone))
        if self.pay_with is PullPayment.TICKET and not await store.consume(
            db, bet.user_id, store.GACHA_TICKET, now
        ):
            return NoTicket()
        progress.pulls_day = today
        progress.pulls_today = used + 1
        pools = await store.pools(db)
        floats = take(bet.fair_round.source, self.count)
        # Only the rolled rarities' stock rows are touched, by conditional updates: pulls
        # that roll nothing stocked never wait for each other. Losing a race for the last
        # units means deciding again on the stock as it now is, held this time.
        outcome = gacha.pull_items(
            floats, progress.pity, pools, await store.stock(db, lock=False), rules
        )
        if not await store.take_stock(db, outcome.stock_taken):
            held = await store.stock(db, lock=True)
            outcome = gacha.pull_items(floats, progress.pity, pools, held, rules)
            if not await store.take_stock(db, outcome.stock_taken):
                raise RuntimeError("stock changed under a locked read")
        owned = await store.add_items(db, bet.user_id, [e.item.id for e in outcome.items], now)
        refund = gacha.refund_for(outcome.items, owned, rules)
        pity_before = progress.pity
        progress.pity = outcome.pity_after
        received = gacha.count_by_rarity(outcome.items)
        progress.commons += received[gacha.Rarity.COMMON]
        progress.rares += received[gacha.Rarity.RARE]
        progress.epics += received[gacha.Rarity.EPIC]
        progress.legendaries += received[gacha.Rarity.LEGENDARY]
        await store.save_progress(db, bet.user_id, progress)
        items = tuple(
            gacha.PulledItem(
                id=entry.item.id,
                name=entry.item.name,
                rarity=entry.item.rarity,
                animation=entry.animation,
                pity=entry.pity,
                downgraded=entry.downgraded,
                duplicate=duplicate,
            )
            for entry, duplicate in zip(
                outcome.items, gacha.duplicate_flags(outcome.items, owned), strict=True
            )
        )
        cost = 0 if self.pay_with is PullPayment.TICKET else gacha.cost(self.count, rules)
        proof = bet.fair_round.proof

        def answer(placed: BetReceipt) -> GachaPullSuccess:
            return GachaPullSuccess(
                round_id=placed.round_id,
                items=items,
                paid_gold=cost,
                refunded_gold=refund,
                pity_counter=outcome.pity_after,
                daily_remaining=self.daily_limit - used - 1,
                balance=placed.balance,
                fairness=proof,
            )

        return Decision(
            cost=cost,
            payout=refund,
            details={
                "items": [
                    {"id": e.item.id, "rarity": e.item.rarity.value, "animation": e.animation.value}
                    for e in outcome.items
                ],
                "payWith": self.pay_with.value,
                "refund": refund,
                "pityBefore": pity_before,
                "pityAfter": outcome.pity_after,
            },
            answer=answer,
            units=self.count,
        )


async def config(services: Services) -> gacha.GachaConfig:
    rules = services.gacha
    effective = gacha.effective_rates(rules)
    async with services.sessionmaker() as session:
        db = SessionStatements(session)
        pools = await store.pools(db)
        stock = await store.stock(db, lock=False)
    return gacha.GachaConfig(
        rarities=tuple(
            gacha.RarityOdds(
                rarity=rarity,
                rate=rules.rates_bp[rarity] / rules.total_bp,
                effective_rate=float(effective[rarity]),
                effective_rate_exact=exact_text(effective[rarity]),
                duplicate_refund=rules.duplicate_refund[rarity],
                remaining_stock=stock.get(rarity),
                items=tuple(pools[rarity]),
            )
            for rarity in gacha.RARITY_ORDER
        ),
        pity_threshold=rules.pity_threshold,
        single_cost=rules.single_cost,
        ten_cost=rules.ten_cost,
        daily_limits=tuple(
            gacha.DailyPullLimit(rank=rank, pulls_per_day=n)
            for rank, n in rules.daily_limits.items()
        ),
    )


async def status(services: Services, user_id: int) -> gacha.GachaStatus:
    today = game_day(services.clock.now(), services.settings.zone)
    async with services.sessionmaker() as session:
        row = await store.progress(session, user_id)
    pulls_today = gacha.pulls_used(row.pulls_day, row.pulls_today, today) if row else 0
    counts = {
        gacha.Rarity.COMMON: row.commons if row else 0,
        gacha.Rarity.RARE: row.rares if row else 0,
        gacha.Rarity.EPIC: row.epics if row else 0,
        gacha.Rarity.LEGENDARY: row.legendaries if row else 0,
    }
    return gacha.GachaStatus(
        pity_counter=row.pity if row else 0,
        pulls_today=pulls_today,
        counts_by_rarity=tuple(
            gacha.RarityCount(rarity=r, count=counts[r]) for r in gacha.RARITY_ORDER
        ),
    )
