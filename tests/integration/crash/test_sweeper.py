"""The crash sweeper does not stop at a round that fails to settle (SPEC §6.4: a round
never stays open more than its crash time + 60 s): it logs that round, skips it, settles
every other one, and tries it again on the next sweep.

The failure is real: a round's stake is set by hand to one whose payout the database
cannot store, so its settlement fails in the driver and rolls back."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from starlette.applications import Starlette

from casino_club.clock import FrozenClock
from casino_club.persistence.models import CrashRound, LedgerEntry, Wallet
from casino_club.resolvers import crash as crash_cases
from casino_club.services import Services
from tests.integration.crash.test_rounds import (
    books_balance,
    open_round,
    row_of,
    wins_of,
)
from tests.support import Api, node_id

ABSURD_STAKE = 2**63 - 1  # fits BIGINT; its payout at 1.01× does not
SWEEPER_LOG = "casino_club.resolvers.crash"


async def set_stake(services: Services, round_id: int, stake: int) -> None:
    async with services.sessionmaker() as session:
        await session.execute(
            update(CrashRound).where(CrashRound.id == round_id).values(stake=stake)
        )
        await session.commit()


async def wallet_and_ledger(services: Services, user_id: int) -> tuple[int, int]:
    async with services.sessionmaker() as session:
        gold = await session.scalar(select(Wallet.gold).where(Wallet.user_id == user_id))
        total = await session.scalar(
            select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
                LedgerEntry.user_id == user_id
            )
        )
    assert gold is not None
    return int(gold), int(total or 0)


def failures_logged(caplog: pytest.LogCaptureFixture, round_id: int) -> int:
    return sum(
        1
        for record in caplog.records
        if record.name == SWEEPER_LOG
        and record.levelno >= logging.ERROR
        and record.exc_info is not None
        and f"crash round {round_id} " in record.getMessage()
    )


async def test_a_round_that_fails_to_settle_does_not_stop_the_sweep(
    api: Api, app: Starlette, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    services: Services = app.state.services
    bad_player, auto_player, plain_player = [await api.new_player() for _ in range(3)]
    # The bad round ends first (1.01×), so the sweep meets it before the others.
    bad = await open_round(api, services, clock, bad_player["accessToken"], at_least=101, auto=1.01)
    auto = await open_round(
        api, services, clock, auto_player["accessToken"], at_least=120, auto=1.2
    )
    plain = await open_round(api, services, clock, plain_player["accessToken"], at_least=110)
    good = (auto, plain)
    assert all(bad.settles_at < row.settles_at for row in good)
    await set_stake(services, bad.id, ABSURD_STAKE)
    balances = {row.user_id: await wallet_and_ledger(services, row.user_id) for row in (bad, *good)}
    clock.advance(max(row.settles_at for row in (bad, *good)) - clock.now() + timedelta(seconds=1))

    with caplog.at_level(logging.ERROR, logger=SWEEPER_LOG):
        settled = await crash_cases.sweep(services)
    assert settled >= len(good)
    assert failures_logged(caplog, bad.id) == 1

    auto_after, plain_after = [
        await row_of(services, node_id("CrashRound", row.id)) for row in good
    ]
    assert (auto_after.status, auto_after.cashout_multiplier, auto_after.payout) == (
        "CASHED_OUT",
        120,
        120,
    )
    assert (plain_after.status, plain_after.payout) == ("CRASHED", 0)
    assert await wins_of(services, auto) == 1
    assert await wallet_and_ledger(services, auto.user_id) == (
        balances[auto.user_id][0] + 120,
        balances[auto.user_id][1] + 120,
    )
    assert await wallet_and_ledger(services, plain.user_id) == balances[plain.user_id]

    # The bad round rolled back whole: still open, nothing paid, its books untouched.
    bad_after = await row_of(services, node_id("CrashRound", bad.id))
    assert (bad_after.status, bad_after.payout, bad_after.history_id) == ("OPEN", None, None)
    assert await wins_of(services, bad) == 0
    assert await wallet_and_ledger(services, bad.user_id) == balances[bad.user_id]
    for gold, total in [await wallet_and_ledger(services, u) for u in balances]:
        assert gold == total

    # The next sweep runs again, retries the bad round (logging it again) and leaves the
    # settled ones alone.
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger=SWEEPER_LOG):
        await crash_cases.sweep(services)
    assert failures_logged(caplog, bad.id) == 1
    assert (await row_of(services, node_id("CrashRound", bad.id))).status == "OPEN"
    assert await wins_of(services, auto) == 1

    # Once the row is sound again, a sweep settles it like any other.
    await set_stake(services, bad.id, bad.stake)
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger=SWEEPER_LOG):
        assert await crash_cases.sweep(services) >= 1
    assert failures_logged(caplog, bad.id) == 0
    bad_settled = await row_of(services, node_id("CrashRound", bad.id))
    assert (bad_settled.status, bad_settled.payout) == ("CASHED_OUT", bad.stake * 101 // 100)
    assert await wins_of(services, bad) == 1
    await books_balance(services)
