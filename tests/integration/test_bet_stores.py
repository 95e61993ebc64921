"""The two `BetStore`s write the same rows (persistence/bets.py): PostgreSQL's driver path
is checked against the session path on one database, seeds made identical. Every rule
`postgres_bets.SETTLE` restates from the domain is held here to its source: side by
side (XP, levels, missions and their periods, stats, the slot streak, short gold, the
loss limit), and fragment by fragment against the domain functions."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import date, timedelta
from itertools import count
from typing import Any

import orjson
import pytest
from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import create_async_engine
from starlette.applications import Starlette

from casino_club.clock import FrozenClock
from casino_club.domain import slots
from casino_club.domain.accounts import level_for_xp
from casino_club.domain.days import day_start
from casino_club.domain.fairness import FairnessInput, take
from casino_club.domain.ledger import LedgerReason
from casino_club.domain.limits import Limit, LimitKind, LossLimitHit
from casino_club.domain.missions import (
    EVER,
    Mission,
    MissionEvent,
    MissionPeriod,
    Periods,
    periods_at,
)
from casino_club.domain.stats import play_xp
from casino_club.persistence import idempotency, limits, wallet
from casino_club.persistence.bets import (
    BetStore,
    Outcome,
    SessionBetStore,
    SettledBet,
    Wager,
)
from casino_club.persistence.fairness import Round
from casino_club.persistence.idempotency import Announced, KeyRequest, KeyTaken, Replay
from casino_club.persistence.models import (
    FairnessSeed,
    GachaProgress,
    GameRound,
    IdempotencyKey,
    InventoryEntry,
    LedgerEntry,
    MissionProgress,
    PlayerStats,
    User,
)
from casino_club.persistence.postgres_bets import (
    LOCK_ROUND,
    SETTLE,
    DriverStagedBet,
    PostgresBetStore,
    level_for_xp_sql,
    period_sql,
    play_xp_sql,
)
from casino_club.persistence.wallet import ShortOfGold
from casino_club.services import Services
from tests.support import (
    Api,
    books_balance,
    grant_gold,
    missions_in_play,
    node_id,
    rotate_seed,
    row_id,
)

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)

STAKE = 40  # a slot spin's
ROLL = 30  # a dice roll's: two games' stakes earn XP each by itself (domain/stats.py)


def slot_rule(fair_round: Round) -> Outcome:
    spun = slots.settle(
        STAKE, slots.reels_from(take(fair_round.source, slots.REELS)), fair_round.slot_win_streak
    )
    return Outcome(
        spun.payout,
        {"reels": [s.value for s in spun.reels], "winStreak": spun.win_streak},
        slot_win_streak=spun.win_streak,
    )


def dice_rule(fair_round: Round) -> Outcome:
    """A roll in the lower 45% pays twice the stake: wins and losses, and no streak."""
    (u,) = take(fair_round.source, 1)
    return Outcome(2 * ROLL if u < 0.45 * 2**32 else 0, {"roll": u})


def lose(fair_round: Round) -> Outcome:
    return Outcome(0, {})


def answer(written: SettledBet) -> dict[str, Any]:
    return {"roundId": written.round_id, "balance": written.balance}


def announced(written: SettledBet) -> Announced:
    return Announced(f"ROLL:{written.round_id}", [{"kind": "balance", "gold": written.balance}])


def wager(services: Services, user_id: int, key: str | None = None) -> Wager:
    request = (
        None
        if key is None
        else KeyRequest(user_id, key, "slotSpin", "f" * 64, services.clock.now().replace(year=2000))
    )
    return Wager(
        user_id,
        "SLOTS",
        STAKE,
        LedgerReason.SLOT_BET,
        LedgerReason.SLOT_WIN,
        request,
        services.clock.now(),
        periods_at(services.clock.now(), services.settings.zone),
    )


def roll(services: Services, user_id: int) -> Wager:
    return replace(
        wager(services, user_id),
        game="DICE",
        stake=ROLL,
        stake_reason=LedgerReason.DICE_BET,
        win_reason=LedgerReason.DICE_WIN,
    )


async def same_seed(services: Services, source: int, target: int) -> None:
    async with services.sessionmaker() as session:
        seed = await session.scalar(
            select(FairnessSeed).where(FairnessSeed.user_id == source, FairnessSeed.active)
        )
        assert seed is not None
        await session.execute(
            update(FairnessSeed)
            .where(FairnessSeed.user_id == target, FairnessSeed.active)
            .values(server_seed=seed.server_seed, client_seed=seed.client_seed)
        )
        await session.commit()


async def twin_players(api: Api, app: Starlette, gold: int) -> list[int]:
    """Two new players with the same seeds and `gold` more: one for each store."""
    services: Services = app.state.services
    players = [row_id((await api.new_player())["user"]["id"]) for _ in range(2)]
    await same_seed(services, players[0], players[1])
    for player in players:
        await grant_gold(app, node_id("Player", player), gold)
    return players


def stores(services: Services) -> list[BetStore]:
    """The session path, and the driver path (SETTLE) held to it."""
    assert isinstance(services.bets, PostgresBetStore)
    return [SessionBetStore(services.sessionmaker), services.bets]


async def seed_state(services: Services, user_id: int) -> tuple[int, int]:
    """The active seed's nonce and slot win streak."""
    async with services.sessionmaker() as session:
        nonce, streak = (
            await session.execute(
                select(FairnessSeed.nonce, FairnessSeed.slot_win_streak).where(
                    FairnessSeed.user_id == user_id, FairnessSeed.active
                )
            )
        ).one()
    return int(nonce), int(streak)


async def rows(
    services: Services, user_id: int
) -> tuple[list[Any], list[Any], Any, list[Any], list[Any]]:
    """The player's ledger, history, active seed state, totals per game and mission
    progress; the seed's and the player's ids are anonymous in ledger references (two
    players' seeds share content, not ids)."""
    async with services.sessionmaker() as session:
        seed_id, nonce, streak = (
            await session.execute(
                select(FairnessSeed.id, FairnessSeed.nonce, FairnessSeed.slot_win_streak).where(
                    FairnessSeed.user_id == user_id, FairnessSeed.active
                )
            )
        ).one()
        ledger = (
            await session.execute(
                select(
                    LedgerEntry.amount,
                    LedgerEntry.balance_after,
                    LedgerEntry.reason,
                    LedgerEntry.reference,
                )
                .where(LedgerEntry.user_id == user_id)
                .order_by(LedgerEntry.id)
            )
        ).all()
        history = (
            await session.execute(
                select(
                    GameRound.game,
                    GameRound.stake,
                    GameRound.payout,
                    GameRound.outcome,
                    GameRound.nonce,
                    GameRound.server_seed_hash,
                    GameRound.client_seed,
                )
                .where(GameRound.user_id == user_id)
                .order_by(GameRound.id)
            )
        ).all()
        totals = (
            await session.execute(
                select(
                    PlayerStats.game,
                    PlayerStats.plays,
                    PlayerStats.wins,
                    PlayerStats.losses,
                    PlayerStats.staked,
                    PlayerStats.paid,
                    PlayerStats.biggest_win,
                    PlayerStats.best_multiplier,
                )
                .where(PlayerStats.user_id == user_id)
                .order_by(PlayerStats.game)
            )
        ).all()
        progress = (
            await session.execute(
                select(
                    MissionProgress.mission_id,
                    MissionProgress.period,
                    MissionProgress.target,
                    MissionProgress.progress,
                    MissionProgress.completed_at,
                    MissionProgress.claimed_at,
                )
                .where(MissionProgress.user_id == user_id)
                .order_by(MissionProgress.mission_id, MissionProgress.period)
            )
        ).all()

    def anonymous(reference: str | None) -> str:
        text = (reference or "").replace(f":{seed_id}:", ":<seed>:")
        return "user:<id>" if text == f"user:{user_id}" else text

    rows_seen = [(amount, after, reason, anonymous(ref)) for amount, after, reason, ref in ledger]
    return rows_seen, list(history), (nonce, streak), list(totals), list(progress)


# Counted by slot spins or dice rolls, each in its own way; the last never (instant
# plays have no multiplier).
MISSIONS = (
    Mission("spins", "5 spins", MissionPeriod.DAILY, MissionEvent.SLOT_SPIN, 5, 1, 1),
    Mission("wins", "2 wins", MissionPeriod.DAILY, MissionEvent.SLOT_WIN, 2, 1, 1),
    Mission("rolls", "4 rolls", MissionPeriod.WEEKLY, MissionEvent.DICE_ROLL, 4, 1, 1),
    Mission("roll", "a roll", MissionPeriod.DAILY, MissionEvent.DICE_ROLL, 1, 1, 1),
    Mission("staked", "300 gold", MissionPeriod.WEEKLY, MissionEvent.GOLD_STAKED, 300, 1, 1),
    Mission("stake", "25 gold", MissionPeriod.DAILY, MissionEvent.GOLD_STAKED, 25, 1, 1),
    Mission(
        "gated", "3 at level 2", MissionPeriod.ONCE, MissionEvent.SLOT_SPIN, 3, 1, 1, min_level=2
    ),
    Mission(
        "cashout",
        "2x",
        MissionPeriod.DAILY,
        MissionEvent.CRASH_CASHOUT,
        1,
        1,
        1,
        min_multiplier=200,
    ),
)


async def test_both_stores_write_the_same_rows(
    api: Api, app: Starlette, clock: FrozenClock
) -> None:
    # Midweek, so that a daily mission's period (the day) is not a weekly one's (Monday).
    zone = app.state.services.settings.zone
    while periods_at(clock.now(), zone).day == periods_at(clock.now(), zone).week:
        clock.advance(timedelta(days=1))
    async with missions_in_play(app, *MISSIONS) as ids:
        await both_stores_write_the_same_rows(api, app, ids)


async def both_stores_write_the_same_rows(api: Api, app: Starlette, ids: dict[str, int]) -> None:
    """Every rule SETTLE restates, against the session path's: the gold and its ledger
    rows, the slot streak, the history, each game's totals (wins, losses, biggest win),
    the XP each game's stakes earn and the level it reaches, missions counted in their
    periods (the level before each play unlocking one, amounts as well as plays, never
    past a target), and short gold refused."""
    services: Services = app.state.services
    players = await twin_players(api, app, 2_000)
    async with services.unit_of_work() as uow:
        # A level is 1 XP away; a streak to start from (a spin that leaves it must store it).
        await uow.session.execute(update(User).where(User.id.in_(players)).values(xp=499))
        await uow.session.execute(
            update(FairnessSeed)
            .where(FairnessSeed.user_id.in_(players), FairnessSeed.active)
            .values(slot_win_streak=2)
        )
        await uow.commit()
    # Slot spins and dice rolls in turn, enough to win, lose and build streaks; then the
    # balance runs short.
    outcomes: list[list[Any]] = [[], []]
    for index, (store, player) in enumerate(zip(stores(services), players, strict=True)):
        for bet in count():
            placed = (
                (wager(services, player), slot_rule)
                if bet % 2 == 0
                else (roll(services, player), dice_rule)
            )
            written = await store.place(*placed, answer, announced)
            assert not isinstance(written, LossLimitHit)  # no loss limit set
            if isinstance(written, ShortOfGold):
                outcomes[index].append(written)
                break
            seed = await seed_state(services, player)
            outcomes[index].append((written.balance, written.posted, written.progression, seed))
    assert outcomes[0] == outcomes[1]
    assert isinstance(outcomes[0][-1], ShortOfGold)
    first, second = await rows(services, players[0]), await rows(services, players[1])
    assert first == second
    bets = [ref for *_, ref in first[0] if ref.startswith(("slots:", "dice:"))]
    assert bets and all(ref.startswith(("slots:<seed>:", "dice:<seed>:")) for ref in bets)
    ledger, history, (nonce, _), totals, progress = first
    assert nonce == len(history)  # the refused bet left the nonce where it was
    assert len(ledger) > len(history) > 10
    streaks = [orjson.loads(h.outcome)["winStreak"] for h in history if h.game == "SLOTS"]
    assert set(streaks) - {2}  # spins changed the streak, and the seed row carried it
    expected_totals = []
    for game in ("DICE", "SLOTS"):
        stakes = [h.stake for h in history if h.game == game]
        payouts = [h.payout for h in history if h.game == game]
        expected_totals.append(
            (
                game,
                len(stakes),
                sum(p > s for s, p in zip(stakes, payouts, strict=True)),
                sum(p < s for s, p in zip(stakes, payouts, strict=True)),
                sum(stakes),
                sum(payouts),
                max(payouts),
                0,
            )
        )
    assert totals == expected_totals
    assert 0 < expected_totals[0][2] < expected_totals[0][1]  # dice won and lost
    # 499 XP to start, then 1 per 100 gold staked in each game (SPEC §8.2): a level every
    # 500 XP, the first at the third spin (slots at 120 gold, dice at 60).
    progressions = [outcome[2] for outcome in outcomes[0][:-1]]
    staked = {"SLOTS": 0, "DICE": 0}
    xp = 499
    for play, progression in zip(history, progressions, strict=True):
        staked[play.game] += play.stake
        before, xp = xp, 499 + sum(total // 100 for total in staked.values())
        assert progression.xp == (xp if xp > before else None)
        assert progression.level_reached == (xp // 500 + 1 if xp // 500 > before // 500 else None)
    levels = [progression.level_reached for progression in progressions]
    assert levels.index(2) == 4
    assert min(staked.values()) >= 100  # both games' stakes earned XP
    # Missions: each in its period, counted with the level before each play (level 2
    # from the fourth spin on), by amount where they count gold, never past a target.
    periods = periods_at(services.clock.now(), services.settings.zone)
    assert periods.day != periods.week
    wins = totals[1][2]
    reached = {
        mission_id: (period, target, done) for mission_id, period, target, done, *_ in progress
    }
    assert reached[ids["spins"]] == (periods.day, 5, 5)
    assert reached[ids["wins"]] == (periods.day, 2, min(wins, 2))
    assert reached[ids["rolls"]] == (periods.week, 4, 4)
    assert reached[ids["roll"]] == (periods.day, 1, 1)  # completed by its first count
    assert reached[ids["staked"]] == (periods.week, 300, 300)
    assert reached[ids["stake"]] == (periods.day, 25, 25)  # the first spin's 40, capped
    assert reached[ids["gated"]] == (EVER, 3, 3)
    assert ids["cashout"] not in reached
    assert all((done >= target) == (at is not None) for _, _, target, done, at, _ in progress)
    advanced = [progression.missions for progression in progressions]
    staking = [a.progress for bet in advanced for a in bet if a.mission_id == ids["staked"]]
    assert staking == [40, 70, 110, 140, 180, 210, 250, 280, 300]
    gated = [a.progress for bet in advanced for a in bet if a.mission_id == ids["gated"]]
    assert gated == [1, 2, 3]
    assert [a.mission_id for a in advanced[6] if a.mission_id == ids["gated"]] == [ids["gated"]]
    await books_balance(app)


async def test_both_stores_take_a_stake_the_balance_just_covers(api: Api, app: Starlette) -> None:
    """A stake of the whole balance is covered (`domain.ledger.required_balance`); one
    gold more is short, and both stores say by how much."""
    services: Services = app.state.services
    players = await twin_players(api, app, 100)
    for store, player in zip(stores(services), players, strict=True):
        async with services.sessionmaker() as session:
            balance = await wallet.balance_of(session, player)
        everything = replace(wager(services, player), stake=balance)
        written = await store.place(everything, lose, answer, announced)
        assert isinstance(written, SettledBet) and written.balance == 0, written
        assert await store.place(wager(services, player), lose, answer, announced) == ShortOfGold(
            STAKE, 0
        )
    first, second = await rows(services, players[0]), await rows(services, players[1])
    assert first == second


async def test_both_stores_refuse_at_the_same_loss_limit(api: Api, app: Starlette) -> None:
    """A player's daily loss limit (`domain.limits.loss_refusal`), checked in the bet's
    transaction on both paths: the same bets pass, the same one is refused, alike."""
    services: Services = app.state.services
    players = await twin_players(api, app, 2_000)
    now, zone = services.clock.now(), services.settings.zone
    async with services.unit_of_work() as uow:
        for player in players:
            await limits.put(uow.session, player, LimitKind.DAILY_LOSS, Limit(150), now)
        await uow.commit()
    outcomes: list[list[Any]] = [[], []]
    for index, (store, player) in enumerate(zip(stores(services), players, strict=True)):
        limited = replace(wager(services, player), loss_day_start=day_start(now, zone))
        while True:
            written = await store.place(limited, slot_rule, answer, announced)
            if not isinstance(written, SettledBet):
                outcomes[index].append(written)
                break
            outcomes[index].append((written.balance, written.posted, written.progression))
    assert outcomes[0] == outcomes[1]
    refused = outcomes[0][-1]
    assert isinstance(refused, LossLimitHit) and refused.limit == 150
    assert refused.remaining < STAKE
    first, second = await rows(services, players[0]), await rows(services, players[1])
    assert first == second
    ledger, history, (nonce, _), *_ = first
    assert nonce == len(history) == len(outcomes[0]) - 1  # the refusal wrote nothing
    lost = -sum(amount for amount, _, reason, _ in ledger if reason in ("SLOT_BET", "SLOT_WIN"))
    assert 150 - lost == refused.remaining


async def test_settle_fragments_compute_what_the_domain_does(app: Starlette) -> None:
    """SETTLE's fragments compute what the domain functions they restate compute."""
    services: Services = app.state.services
    async with services.engine.connect() as pooled:
        driver = (await pooled.get_raw_connection()).driver_connection
        assert driver is not None
        for staked in (0, 1, 99, 100, 101, 199, 200, 12_345, 10**12):
            got = await driver.fetchval(f"SELECT {play_xp_sql('$1::bigint')}", staked)
            assert got == play_xp(staked), staked
        for xp in (0, 1, 499, 500, 501, 999, 1_000, 4_999, 5_000, 10**9):
            got = await driver.fetchval(f"SELECT {level_for_xp_sql('$1::bigint')}", xp)
            assert got == level_for_xp(xp), xp
        periods = Periods(date(2024, 5, 15))  # a Wednesday
        for period in MissionPeriod:
            sql = f"SELECT {period_sql('$1::text', '$2::date', '$3::date')}"
            got = await driver.fetchval(sql, period.value, periods.day, periods.week)
            assert got == periods.of(period), period


async def test_a_keyed_bet_stores_its_answer_and_a_second_claim_is_refused(
    api: Api, app: Starlette
) -> None:
    services: Services = app.state.services
    player = row_id((await api.new_player())["user"]["id"])
    await grant_gold(app, node_id("Player", player), 1_000)
    keyed = wager(services, player, "k-1")
    written = await services.bets.place(keyed, slot_rule, answer, announced)
    assert isinstance(written, SettledBet)
    assert keyed.key is not None
    async with services.engine.connect() as connection:
        stored = await idempotency.stored(connection, keyed.key)
    # The answer, and what the bet announces (a retry answered from the key announces
    # it again).
    assert stored == Replay(answer(written), announced(written))
    with pytest.raises(KeyTaken):
        await services.bets.place(wager(services, player, "k-1"), slot_rule, answer, announced)
    _, history, (nonce, _), *_ = await rows(services, player)
    assert len(history) == nonce == 1  # the refused claim wrote nothing


async def test_a_refused_keyed_bet_releases_its_key(api: Api, app: Starlette) -> None:
    services: Services = app.state.services
    player = await api.new_player()
    too_much = replace(wager(services, row_id(player["user"]["id"]), "k-2"), stake=10**9)
    short = await services.bets.place(too_much, slot_rule, answer, announced)
    assert short == ShortOfGold(10**9, player["user"]["gold"])
    async with services.sessionmaker() as session:
        keys = await session.scalars(
            select(IdempotencyKey).where(IdempotencyKey.user_id == too_much.user_id)
        )
        assert keys.all() == []
    _, history, (nonce, _), *_ = await rows(services, too_much.user_id)
    assert history == [] and nonce == 0


async def test_bets_cancelled_mid_flight_leave_no_connection_inside_a_transaction(
    api: Api, app: Starlette
) -> None:
    """A cancelled request (a client gone, a timeout) must not hand the pool a connection
    still inside the bet's transaction: the next user would write into it."""
    services: Services = app.state.services
    player = row_id((await api.new_player())["user"]["id"])
    await grant_gold(app, node_id("Player", player), 100_000)
    for delay in (0.0, 0.001, 0.002, 0.004, 0.008):
        bets = [
            asyncio.create_task(
                services.bets.place(wager(services, player), slot_rule, answer, announced)
            )
            for _ in range(10)
        ]
        await asyncio.sleep(delay)
        for bet in bets:
            bet.cancel()
        await asyncio.gather(*bets, return_exceptions=True)
    # Every pooled connection is used again, by both paths, and nothing leaked.
    after = await asyncio.gather(
        *(
            services.bets.place(wager(services, player), slot_rule, answer, announced)
            for _ in range(40)
        )
    )
    assert all(isinstance(written, SettledBet) for written in after)
    async with services.sessionmaker() as session:
        stuck = await session.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND state LIKE 'idle in transaction%'"
            )
        )
    assert stuck == 0
    _, history, (nonce, _), *_ = await rows(services, player)
    assert nonce == len(history)  # a cancelled bet committed all of itself or nothing
    await books_balance(app)


async def test_a_staged_bet_cancelled_in_its_commit_stays_cancelled(app: Starlette) -> None:
    """A shutdown cancels the crash sweep while a settlement commits. The cancellation
    must reach the caller: asyncpg refuses the rollback of a commit cut short, and that
    refusal, raised in its place, kept the sweep running and the shutdown waiting. (A
    deferred trigger that sleeps holds the COMMIT open long enough to cancel it.)"""
    services: Services = app.state.services
    committing = asyncio.Event()

    async def settle() -> None:
        async with services.bets.staged() as tx:
            assert isinstance(tx, DriverStagedBet)
            driver = tx._driver
            await driver.execute("CREATE TEMP TABLE held (x int)")
            await driver.execute(
                "CREATE FUNCTION pg_temp.hold() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN PERFORM pg_sleep(30); RETURN NULL; END $$"
            )
            await driver.execute(
                "CREATE CONSTRAINT TRIGGER hold AFTER INSERT ON held DEFERRABLE INITIALLY "
                "DEFERRED FOR EACH ROW EXECUTE FUNCTION pg_temp.hold()"
            )
            await driver.execute("INSERT INTO held VALUES (1)")
            committing.set()
            await tx.commit()

    settling = asyncio.create_task(settle())
    await asyncio.wait_for(committing.wait(), 10)
    await asyncio.sleep(0.5)  # inside the COMMIT, the trigger sleeping
    settling.cancel()
    outcome = (await asyncio.gather(settling, return_exceptions=True))[0]
    assert isinstance(outcome, asyncio.CancelledError), repr(outcome)


SET_CLIENT_SEED = """mutation C($input: SetClientSeedInput!) {
  setClientSeed(input: $input) { __typename } }"""


async def assert_every_round_replays(services: Services, user_id: int) -> None:
    """Each history row is the outcome of its seed and nonce, and each seed's nonces run
    0, 1, 2, … without a gap or a repeat: no bet decided on a stale round was written."""
    async with services.sessionmaker() as session:
        played = (
            await session.execute(
                select(GameRound.seed_id, GameRound.nonce, GameRound.client_seed, GameRound.outcome)
                .where(GameRound.user_id == user_id)
                .order_by(GameRound.id)
            )
        ).all()
        seeds = {
            seed.id: seed
            for seed in await session.scalars(
                select(FairnessSeed).where(FairnessSeed.user_id == user_id)
            )
        }
    nonces: dict[int, list[int]] = {}
    for seed_id, nonce, client_seed, outcome in played:
        nonces.setdefault(seed_id, []).append(nonce)
        source = FairnessInput(bytes.fromhex(seeds[seed_id].server_seed), client_seed, nonce)
        reels = [s.value for s in slots.reels_from(take(source, slots.REELS))]
        assert orjson.loads(outcome)["reels"] == reels
    for seed_id, used in nonces.items():
        assert used == list(range(len(used))), (seed_id, used)
        assert seeds[seed_id].nonce == len(used)


async def test_a_round_this_process_knows_is_settled_in_one_statement(
    api: Api, app: Starlette
) -> None:
    """After its first bet, a player's next bet is one statement: no BEGIN, no lock."""
    services: Services = app.state.services
    player = row_id((await api.new_player())["user"]["id"])
    await grant_gold(app, node_id("Player", player), 10_000)
    engine = create_async_engine(services.settings.database_url, pool_size=1, max_overflow=0)
    sent: list[list[str]] = []
    try:
        async with engine.connect() as pooled:
            raw = (await pooled.get_raw_connection()).driver_connection
            assert raw is not None
            raw.add_query_logger(lambda record: sent[-1].append(record.query))
            sent.append([])
        store, elsewhere = PostgresBetStore(engine), PostgresBetStore(services.engine)
        for bettor in (store, elsewhere, store, store):
            sent.append([])
            placed = await bettor.place(wager(services, player), slot_rule, answer, announced)
            assert isinstance(placed, SettledBet)
    finally:
        await engine.dispose()
    # The first bet on a fresh connection also sends asyncpg's type introspection.
    _, _, _, stale, known = sent
    # A stale guess writes nothing; then BEGIN, the lock, SETTLE again, COMMIT.
    assert stale[0] == SETTLE and stale[1:3] == ["BEGIN;", LOCK_ROUND.sql]
    assert stale[3:] == [SETTLE, "COMMIT;"]
    assert known == [SETTLE]
    await assert_every_round_replays(services, player)


async def test_rounds_made_stale_elsewhere_are_never_written(api: Api, app: Starlette) -> None:
    """Two processes (two stores, two round caches), another game's nonce, a seed rotation
    and a new client seed: every bet is decided on the seed's true next round."""
    services: Services = app.state.services
    signed_up = await api.new_player()
    player, token = row_id(signed_up["user"]["id"]), signed_up["accessToken"]
    await grant_gold(app, node_id("Player", player), 100_000)
    here, elsewhere = services.bets, PostgresBetStore(services.engine)
    session_path = SessionBetStore(services.sessionmaker)
    for step in range(24):
        store = [here, elsewhere, here, session_path][step % 4]
        assert isinstance(
            await store.place(wager(services, player), slot_rule, answer, announced), SettledBet
        )
        if step == 9:
            assert (await rotate_seed(api, token))["__typename"] == "ServerSeedRotated"
        if step == 17:
            result = await api.data(
                SET_CLIENT_SEED, {"input": {"clientSeed": "fresh-client-seed"}}, token=token
            )
            assert result["setClientSeed"]["__typename"] == "FairnessUpdated"
    await assert_every_round_replays(services, player)
    async with services.sessionmaker() as session:
        last_client_seeds = (
            await session.scalars(
                select(GameRound.client_seed)
                .where(GameRound.user_id == player)
                .order_by(GameRound.id.desc())
                .limit(6)
            )
        ).all()
    assert set(last_client_seeds) == {"fresh-client-seed"}
    await books_balance(app)


async def test_twenty_simultaneous_bets_of_one_player_take_twenty_rounds(
    api: Api, app: Starlette
) -> None:
    """They all guess the same cached round; one statement wins it, the others find it
    stale and queue on the locked path."""
    services: Services = app.state.services
    player = row_id((await api.new_player())["user"]["id"])
    await grant_gold(app, node_id("Player", player), 100_000)
    first = await services.bets.place(wager(services, player), slot_rule, answer, announced)
    assert isinstance(first, SettledBet)
    placed = await asyncio.gather(
        *(
            services.bets.place(wager(services, player), slot_rule, answer, announced)
            for _ in range(20)
        )
    )
    assert all(isinstance(written, SettledBet) for written in placed)
    _, history, (nonce, _), *_ = await rows(services, player)
    assert nonce == len(history) == 21
    await assert_every_round_replays(services, player)
    await books_balance(app)


GACHA_PULL = """mutation P($input: GachaPullInput!) { gachaPull(input: $input) { __typename
  ... on GachaPullSuccess { refundedGold pityCounter balance
    items { item { id } duplicate } } } }"""
WHEEL_SPIN = """mutation { wheelSpin(input: {}) { __typename
  ... on WheelSpinSuccess { free paidGold wonGold balance } } }"""


async def staged_state(services: Services, user_id: int) -> tuple[list[Any], list[Any]]:
    """The player's gacha row and inventory (what a pull and a spin write besides a play)."""
    async with services.sessionmaker() as session:
        progress = (
            await session.execute(
                select(
                    GachaProgress.pity,
                    GachaProgress.commons,
                    GachaProgress.rares,
                    GachaProgress.epics,
                    GachaProgress.legendaries,
                    GachaProgress.pulls_day,
                    GachaProgress.pulls_today,
                ).where(GachaProgress.user_id == user_id)
            )
        ).all()
        inventory = (
            await session.execute(
                select(InventoryEntry.item_id, InventoryEntry.quantity)
                .where(InventoryEntry.user_id == user_id)
                .order_by(InventoryEntry.item_id)
            )
        ).all()
    return list(progress), list(inventory)


# Counted by staged plays: items pulled (a ten-pull counts ten), spins, gold staked.
STAGED_MISSIONS = (
    Mission("items", "12 items", MissionPeriod.DAILY, MissionEvent.GACHA_PULL, 12, 1, 1),
    Mission("spins", "2 spins", MissionPeriod.DAILY, MissionEvent.WHEEL_SPIN, 2, 1, 1),
    Mission("staked", "1m gold", MissionPeriod.ONCE, MissionEvent.GOLD_STAKED, 10**6, 1, 1),
)


async def test_both_stores_write_the_same_staged_bets(api: Api, app: Starlette) -> None:
    async with missions_in_play(app, *STAGED_MISSIONS):
        await both_stores_write_the_same_staged_bets(api, app)


async def both_stores_write_the_same_staged_bets(api: Api, app: Starlette) -> None:
    """A staged game's bet on the driver — decided through `Statements`, a finished play
    that moves gold written by SETTLE with the pull's items counted, a free play by
    `bets.settle` — writes what the session path writes: gold and ledger, history,
    totals, missions, the gacha row and the inventory, and answers the same."""
    services: Services = app.state.services
    driver = services.bets
    created = [await api.new_player() for _ in range(2)]
    players = [row_id(account["user"]["id"]) for account in created]
    await same_seed(services, players[0], players[1])
    answers = []
    for store, account in zip(stores(services), created, strict=True):
        await grant_gold(app, account["user"]["id"], 200_000)
        services.__dict__["bets"] = store  # the cached store, swapped for this player
        try:
            token = account["accessToken"]
            seen = [
                await api.data(GACHA_PULL, {"input": {"count": count}}, token=token)
                for count in ("ONE", "TEN", "ONE")
            ]
            # The day's free spin (a free play), then a paid one (SETTLE).
            seen += [await api.data(WHEEL_SPIN, token=token) for _ in range(2)]
        finally:
            services.__dict__["bets"] = driver
        answers.append(seen)
    assert answers[0] == answers[1]
    assert [a["gachaPull"]["__typename"] for a in answers[0][:3]] == ["GachaPullSuccess"] * 3
    assert [a["wheelSpin"]["free"] for a in answers[0][3:]] == [True, False]
    assert await rows(services, players[0]) == await rows(services, players[1])
    assert await staged_state(services, players[0]) == await staged_state(services, players[1])
    await books_balance(app)
