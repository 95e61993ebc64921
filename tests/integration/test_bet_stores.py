"""The two `BetStore`s write the same rows (persistence/bets.py): PostgreSQL's driver path
is checked against the session path on one database, seeds made identical."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import select, text, update
from starlette.applications import Starlette

from casino_club.domain import slots
from casino_club.domain.fairness import take
from casino_club.domain.ledger import LedgerReason
from casino_club.persistence.bets import (
    BetStore,
    Outcome,
    SessionBetStore,
    ShortOfGold,
    Wager,
    Written,
)
from casino_club.persistence.fairness import Round
from casino_club.persistence.idempotency import KeyRequest, KeyTaken
from casino_club.persistence.models import FairnessSeed, GameRound, IdempotencyKey, LedgerEntry
from casino_club.persistence.postgres_bets import PostgresBetStore
from casino_club.services import Services
from tests.support import Api, books_balance, grant_gold

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


async def rows(services: Services, user_id: int) -> tuple[list[Any], list[Any], Any]:
    async with services.sessionmaker() as session:
        ledger = (
            await session.execute(
                select(LedgerEntry.amount, LedgerEntry.balance_after, LedgerEntry.reason)
                .where(LedgerEntry.user_id == user_id)
                .order_by(LedgerEntry.id)
            )
        ).all()
        history = (
            await session.execute(
                select(GameRound.stake, GameRound.payout, GameRound.outcome, GameRound.nonce)
                .where(GameRound.user_id == user_id)
                .order_by(GameRound.id)
            )
        ).all()
        seed = (
            await session.execute(
                select(FairnessSeed.nonce, FairnessSeed.slot_win_streak).where(
                    FairnessSeed.user_id == user_id, FairnessSeed.active
                )
            )
        ).one()
    return list(ledger), list(history), tuple(seed)


async def test_both_stores_write_the_same_rows(api: Api, app: Starlette) -> None:
    services: Services = app.state.services
    assert isinstance(services.bets, PostgresBetStore)
    stores: list[BetStore] = [SessionBetStore(services.sessionmaker), services.bets]
    players = [int((await api.new_player())["user"]["id"]) for _ in stores]
    await same_seed(services, players[0], players[1])
    for player in players:
        await grant_gold(app, str(player), 2_000)
    # Enough spins to win, lose and build streaks; then the balance runs short.
    outcomes: list[list[Any]] = [[], []]
    for index, (store, player) in enumerate(zip(stores, players, strict=True)):
        while True:
            written = await store.place(wager(services, player), slot_rule, answer)
            outcomes[index].append(
                written if isinstance(written, ShortOfGold) else (written.balance, written.posted)
            )
            if isinstance(written, ShortOfGold):
                break
    assert outcomes[0] == outcomes[1]
    assert isinstance(outcomes[0][-1], ShortOfGold)
    first, second = await rows(services, players[0]), await rows(services, players[1])
    assert first == second
    ledger, history, (nonce, _) = first
    assert nonce == len(history)  # the refused bet left the nonce where it was
    assert len(ledger) > len(history) > 10
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
    assert stored.response is not None and str(written.round_id) in stored.response
    with pytest.raises(KeyTaken):
        await services.bets.place(wager(services, player, "k-1"), slot_rule, answer)
    _, history, (nonce, _) = await rows(services, player)
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
    _, history, (nonce, _) = await rows(services, too_much.user_id)
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
    _, history, (nonce, _) = await rows(services, player)
    assert nonce == len(history)  # a cancelled bet committed all of itself or nothing
    await books_balance(app)
