"""The two `BetStore`s write the same rows (persistence/bets.py): PostgreSQL's driver path
is checked against the session path on one database, seeds made identical."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import orjson
import pytest
from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import create_async_engine
from starlette.applications import Starlette

from casino_club.domain import slots
from casino_club.domain.fairness import FairnessInput, take
from casino_club.domain.ledger import LedgerReason
from casino_club.domain.limits import LossLimitHit
from casino_club.domain.missions import Mission, MissionEvent, MissionPeriod, periods_at
from casino_club.persistence.bets import (
    BetStore,
    Outcome,
    SessionBetStore,
    Wager,
    Written,
)
from casino_club.persistence.fairness import Round
from casino_club.persistence.idempotency import KeyRequest, KeyTaken
from casino_club.persistence.models import (
    FairnessSeed,
    GameRound,
    IdempotencyKey,
    LedgerEntry,
    MissionProgress,
    PlayerStats,
    User,
)
from casino_club.persistence.postgres_bets import LOCK_ROUND, SETTLE, PostgresBetStore
from casino_club.persistence.wallet import ShortOfGold
from casino_club.services import Services
from tests.support import Api, books_balance, grant_gold, missions_in_play, rotate_seed

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)

STAKE = 40


def slot_rule(fair_round: Round) -> Outcome:
    spun = slots.settle(
        STAKE, slots.reels_from(take(fair_round.source, slots.REELS)), fair_round.slot_win_streak
    )
    return Outcome(
        spun.payout,
        {"reels": [s.value for s in spun.reels], "winStreak": spun.win_streak},
        slot_win_streak=spun.win_streak,
    )


def answer(written: Written) -> dict[str, Any]:
    return {"roundId": written.round_id, "balance": written.balance}


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


async def rows(
    services: Services, user_id: int
) -> tuple[list[Any], list[Any], Any, Any, list[Any]]:
    """The player's ledger, history, active seed state, slot totals and mission progress;
    the seed's and the player's ids are anonymous in ledger references (two players'
    seeds share content, not ids)."""
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
                    PlayerStats.plays,
                    PlayerStats.wins,
                    PlayerStats.losses,
                    PlayerStats.staked,
                    PlayerStats.paid,
                    PlayerStats.biggest_win,
                    PlayerStats.best_multiplier,
                ).where(PlayerStats.user_id == user_id, PlayerStats.game == "SLOTS")
            )
        ).one_or_none()
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
    return rows_seen, list(history), (nonce, streak), totals, list(progress)


# Counted by slot spins, each in its own way; the last never (slots have no multiplier).
MISSIONS = (
    Mission("spins", "5 spins", MissionPeriod.DAILY, MissionEvent.SLOT_SPIN, 5, 1, 1),
    Mission("wins", "2 wins", MissionPeriod.DAILY, MissionEvent.SLOT_WIN, 2, 1, 1),
    Mission("staked", "300 gold", MissionPeriod.WEEKLY, MissionEvent.GOLD_STAKED, 300, 1, 1),
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


async def test_both_stores_write_the_same_rows(api: Api, app: Starlette) -> None:
    async with missions_in_play(app, *MISSIONS) as ids:
        await both_stores_write_the_same_rows(api, app, ids)


async def both_stores_write_the_same_rows(api: Api, app: Starlette, ids: dict[str, int]) -> None:
    services: Services = app.state.services
    assert isinstance(services.bets, PostgresBetStore)
    stores: list[BetStore] = [SessionBetStore(services.sessionmaker), services.bets]
    players = [int((await api.new_player())["user"]["id"]) for _ in stores]
    await same_seed(services, players[0], players[1])
    for player in players:
        await grant_gold(app, str(player), 2_000)
    async with services.unit_of_work() as uow:  # a level is 1 XP away: the third stake earns it
        await uow.session.execute(update(User).where(User.id.in_(players)).values(xp=499))
        await uow.commit()
    # Enough spins to win, lose and build streaks; then the balance runs short.
    outcomes: list[list[Any]] = [[], []]
    for index, (store, player) in enumerate(zip(stores, players, strict=True)):
        while True:
            written = await store.place(wager(services, player), slot_rule, answer)
            assert not isinstance(written, LossLimitHit)  # no loss limit set
            outcomes[index].append(
                written
                if isinstance(written, ShortOfGold)
                else (written.balance, written.posted, written.progression)
            )
            if isinstance(written, ShortOfGold):
                break
    assert outcomes[0] == outcomes[1]
    assert isinstance(outcomes[0][-1], ShortOfGold)
    first, second = await rows(services, players[0]), await rows(services, players[1])
    assert first == second
    bets = [reference for *_, reference in first[0] if reference.startswith("slots:")]
    assert bets and all(reference.startswith("slots:<seed>:") for reference in bets)
    ledger, history, (nonce, _), totals, progress = first
    assert nonce == len(history)  # the refused bet left the nonce where it was
    assert len(ledger) > len(history) > 10
    stakes, payouts = [h.stake for h in history], [h.payout for h in history]
    assert totals == (
        len(history),
        sum(p > s for s, p in zip(stakes, payouts, strict=True)),
        sum(p < s for s, p in zip(stakes, payouts, strict=True)),
        sum(stakes),
        sum(payouts),
        max(payouts),
        0,
    )
    # 499 XP to start, then 1 per 100 gold staked: a level every 500 XP, the first at the
    # third stake of 40.
    levels = [outcome[2].level_reached for outcome in outcomes[0][:-1]]
    expected = []
    for index in range(len(levels)):
        before, after = 499 + STAKE * index // 100, 499 + STAKE * (index + 1) // 100
        expected.append(after // 500 + 1 if after // 500 > before // 500 else None)
    assert levels == expected and levels[2] == 2
    # Missions: counted with the level before each spin (level 2 from the fourth spin on),
    # and never past their targets.
    wins = totals[1]
    reached = {mission_id: (target, done) for mission_id, _, target, done, *_ in progress}
    assert reached[ids["spins"]] == (5, 5)
    assert reached[ids["wins"]] == (2, min(wins, 2))
    assert reached[ids["staked"]] == (300, 300)
    assert reached[ids["gated"]] == (3, 3)
    assert ids["cashout"] not in reached
    advanced = [outcome[2].missions for outcome in outcomes[0][:-1]]
    gated = [a.progress for spin in advanced for a in spin if a.mission_id == ids["gated"]]
    assert gated == [1, 2, 3]
    assert [a.mission_id for a in advanced[3] if a.mission_id == ids["gated"]] == [ids["gated"]]
    await books_balance(app)


async def test_a_keyed_bet_stores_its_answer_and_a_second_claim_is_refused(
    api: Api, app: Starlette
) -> None:
    services: Services = app.state.services
    player = int((await api.new_player())["user"]["id"])
    await grant_gold(app, str(player), 1_000)
    written = await services.bets.place(wager(services, player, "k-1"), slot_rule, answer)
    assert isinstance(written, Written)
    async with services.sessionmaker() as session:
        stored = await session.scalar(
            select(IdempotencyKey).where(IdempotencyKey.user_id == player)
        )
    assert stored is not None and stored.state == "COMPLETED"
    assert stored.response is not None and orjson.loads(stored.response) == answer(written)
    with pytest.raises(KeyTaken):
        await services.bets.place(wager(services, player, "k-1"), slot_rule, answer)
    _, history, (nonce, _), *_ = await rows(services, player)
    assert len(history) == nonce == 1  # the refused claim wrote nothing


async def test_a_refused_keyed_bet_releases_its_key(api: Api, app: Starlette) -> None:
    services: Services = app.state.services
    player = await api.new_player()
    too_much = replace(wager(services, int(player["user"]["id"]), "k-2"), stake=10**9)
    short = await services.bets.place(too_much, slot_rule, answer)
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
    player = int((await api.new_player())["user"]["id"])
    await grant_gold(app, str(player), 100_000)
    for delay in (0.0, 0.001, 0.002, 0.004, 0.008):
        bets = [
            asyncio.create_task(services.bets.place(wager(services, player), slot_rule, answer))
            for _ in range(10)
        ]
        await asyncio.sleep(delay)
        for bet in bets:
            bet.cancel()
        await asyncio.gather(*bets, return_exceptions=True)
    # Every pooled connection is used again, by both paths, and nothing leaked.
    after = await asyncio.gather(
        *(services.bets.place(wager(services, player), slot_rule, answer) for _ in range(40))
    )
    assert all(isinstance(written, Written) for written in after)
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
    player = int((await api.new_player())["user"]["id"])
    await grant_gold(app, str(player), 10_000)
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
            placed = await bettor.place(wager(services, player), slot_rule, answer)
            assert isinstance(placed, Written)
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
    player, token = int(signed_up["user"]["id"]), signed_up["accessToken"]
    await grant_gold(app, str(player), 100_000)
    here, elsewhere = services.bets, PostgresBetStore(services.engine)
    session_path = SessionBetStore(services.sessionmaker)
    for step in range(24):
        store = [here, elsewhere, here, session_path][step % 4]
        assert isinstance(await store.place(wager(services, player), slot_rule, answer), Written)
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
    player = int((await api.new_player())["user"]["id"])
    await grant_gold(app, str(player), 100_000)
    first = await services.bets.place(wager(services, player), slot_rule, answer)
    assert isinstance(first, Written)
    placed = await asyncio.gather(
        *(services.bets.place(wager(services, player), slot_rule, answer) for _ in range(20))
    )
    assert all(isinstance(written, Written) for written in placed)
    _, history, (nonce, _), *_ = await rows(services, player)
    assert nonce == len(history) == 21
    await assert_every_round_replays(services, player)
    await books_balance(app)
