"""Gacha through the real schema (SPEC §6.3): costs, daily limit, stock races, tickets."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import asyncpg
import pytest
from sqlalchemy import delete, select
from sqlalchemy.engine import make_url
from starlette.applications import Starlette

from casino_club.clock import FrozenClock
from casino_club.config import Settings
from casino_club.persistence import gacha as store
from casino_club.persistence.driver import SessionStatements
from casino_club.persistence.models import GachaStock, InventoryEntry
from casino_club.services import Services
from tests.conftest import Backend, api_for, delete_prefixed, redis_of, running_app
from tests.support import FAIRNESS, Api, books_balance, grant_gold, rotate_seed, row_id

PULL = """mutation P($input: GachaPullInput!) { gachaPull(input: $input) {
  __typename
  ... on GachaPullSuccess { roundId paidGold refundedGold pityCounter dailyRemaining balance
    replayed items { item { id rarity } animation pity downgraded duplicate } fairness { nonce } }
  ... on DailyLimitReached { pullsPerDay used resetsAt }
  ... on InsufficientFunds { required balance }
  ... on UserError { code } } }"""
STATUS = """{ me { gold gacha { pityCounter pullsToday countsByRarity { rarity count } }
  fairness { nonce } inventory(first: 50) { edges { node { itemId quantity kind } } } } }"""


@pytest.fixture
def settings(backend: Backend) -> Settings:
    return backend.settings(game_rate_limit_per_second=100_000)


async def player_with_gold(api: Api, app: Starlette, gold: int) -> str:
    return (await account_with_gold(api, app, gold))["accessToken"]  # type: ignore[no-any-return]


async def account_with_gold(api: Api, app: Starlette, gold: int) -> dict[str, Any]:
    created = await api.new_player()
    await grant_gold(app, created["user"]["id"], gold)
    return created


@contextlib.asynccontextmanager
async def stocked(app: Starlette, **remaining: int) -> AsyncIterator[None]:
    """A global stock for the test's rarities, removed after it (other tests expect none)."""
    services: Services = app.state.services
    async with services.unit_of_work() as uow:
        for rarity, units in remaining.items():
            await uow.session.merge(GachaStock(rarity=rarity, remaining=units))
        await uow.commit()
    try:
        yield
    finally:
        async with services.unit_of_work() as uow:
            await uow.session.execute(delete(GachaStock))
            await uow.commit()


async def pull(api: Api, token: str, **values: Any) -> dict[str, Any]:
    result: dict[str, Any] = (await api.data(PULL, {"input": values}, token=token))["gachaPull"]
    return result


async def test_single_and_ten_pulls_cost_and_fill_the_inventory(api: Api, app: Starlette) -> None:
    token = await player_with_gold(api, app, 100_000)
    single = await pull(api, token, count="ONE")
    assert single["__typename"] == "GachaPullSuccess"
    assert (single["paidGold"], len(single["items"]), single["dailyRemaining"]) == (5000, 1, 2)
    ten = await pull(api, token, count="TEN")
    assert (ten["paidGold"], len(ten["items"]), ten["dailyRemaining"]) == (50_000, 10, 1)
    assert ten["balance"] == 1000 + 100_000 - 55_000 + single["refundedGold"] + ten["refundedGold"]
    status = (await api.data(STATUS, token=token))["me"]
    assert status["gacha"]["pullsToday"] == 2
    assert sum(c["count"] for c in status["gacha"]["countsByRarity"]) == 11
    held = {e["node"]["itemId"]: e["node"]["quantity"] for e in status["inventory"]["edges"]}
    assert {e["node"]["kind"] for e in status["inventory"]["edges"]} == {"COLLECTIBLE"}
    pulled = Counter(entry["item"]["id"] for entry in single["items"] + ten["items"])
    assert held == dict(pulled)
    duplicates = sum(entry["duplicate"] for entry in single["items"] + ten["items"])
    assert duplicates == sum(pulled.values()) - len(pulled)


async def test_daily_limit_counts_actions_and_resets_at_the_day_boundary(
    api: Api, app: Starlette, clock: FrozenClock
) -> None:
    account = await account_with_gold(api, app, 200_000)
    token = account["accessToken"]
    for _ in range(3):
        assert (await pull(api, token, count="ONE"))["__typename"] == "GachaPullSuccess"
    before = (await api.data(STATUS, token=token))["me"]
    refused = await pull(api, token, count="TEN")
    assert refused["__typename"] == "DailyLimitReached"
    assert (refused["pullsPerDay"], refused["used"]) == (3, 3)
    resets = datetime.fromisoformat(refused["resetsAt"])
    assert resets > clock.now()
    assert (resets.hour, resets.minute, resets.second) == (0, 0, 0)
    assert (await api.data(STATUS, token=token))["me"] == before  # gold, nonce, pity untouched
    clock.advance(resets - clock.now() + timedelta(seconds=1))
    token = (await api.login(account["user"]["siteId"]))["accessToken"]  # the old one expired
    assert (await pull(api, token, count="ONE"))["__typename"] == "GachaPullSuccess"


async def test_insufficient_funds_changes_nothing_and_frees_the_daily_slot(api: Api) -> None:
    token = (await api.new_player())["accessToken"]
    before = (await api.data(STATUS, token=token))["me"]
    poor = await pull(api, token, count="ONE")
    assert (poor["__typename"], poor["required"], poor["balance"]) == (
        "InsufficientFunds",
        5000,
        1000,
    )
    assert (await api.data(STATUS, token=token))["me"] == before


async def test_a_ticket_is_consumed_exactly_once(api: Api, app: Starlette) -> None:
    created = await api.new_player()
    token, user_id = created["accessToken"], row_id(created["user"]["id"])
    services: Services = app.state.services
    async with services.unit_of_work() as uow:
        await store.add_items(
            SessionStatements(uow.session), user_id, [store.GACHA_TICKET], services.clock.now()
        )
        await uow.commit()
    results = await asyncio.gather(
        *(pull(api, token, count="ONE", payWith="TICKET") for _ in range(2))
    )
    assert Counter(r["__typename"] for r in results) == {"GachaPullSuccess": 1, "NoTicket": 1}
    success = next(r for r in results if r["__typename"] == "GachaPullSuccess")
    assert success["paidGold"] == 0
    async with services.sessionmaker() as session:
        left = await session.scalar(
            select(InventoryEntry.quantity).where(
                InventoryEntry.user_id == user_id, InventoryEntry.item_id == store.GACHA_TICKET
            )
        )
    assert left == 0
    ten = await pull(api, token, count="TEN", payWith="TICKET")
    assert ten["__typename"] == "ValidationFailed"


async def test_idempotent_pull_replays(api: Api, app: Starlette) -> None:
    token = await player_with_gold(api, app, 20_000)
    first = await pull(api, token, count="ONE", idempotencyKey="pull-1")
    again = await pull(api, token, count="ONE", idempotencyKey="pull-1")
    assert again["replayed"] is True
    assert again["roundId"] == first["roundId"]
    status = (await api.data(STATUS, token=token))["me"]
    assert status["gacha"]["pullsToday"] == 1


async def test_gacha_config_discloses_rates_and_pity(api: Api) -> None:
    config = (
        await api.data(
            "{ gachaConfig { pityThreshold singleCost tenCost"
            " rarities { rarity rate effectiveRate effectiveRateExact remainingStock items { id } }"
            " dailyLimits { rank pullsPerDay } } }"
        )
    )["gachaConfig"]
    assert (config["pityThreshold"], config["singleCost"], config["tenCost"]) == (90, 5000, 50_000)
    rates = {r["rarity"]: r["rate"] for r in config["rarities"]}
    assert rates == {"LEGENDARY": 0.015, "EPIC": 0.065, "RARE": 0.22, "COMMON": 0.7}
    effective = [r["effectiveRateExact"] for r in config["rarities"]]
    total = sum(int(n) / int(d) for n, d in (e.split("/") for e in effective))
    assert abs(total - 1) < 1e-12
    assert all(r["items"] for r in config["rarities"])
    assert {d["rank"]: d["pullsPerDay"] for d in config["dailyLimits"]} == {
        "STANDARD": 3,
        "PREMIUM": 4,
        "VIP": 5,
    }


async def test_fifty_concurrent_pulls_never_exceed_a_legendary_stock_of_three(
    backend: Backend,
) -> None:
    """Legendary made the most likely roll so the stock is contested; one player, 50 at once."""
    settings = backend.settings(
        game_rate_limit_per_second=100_000,
        gacha_rates_bp={"LEGENDARY": 9000, "EPIC": 500, "RARE": 300, "COMMON": 200},
        gacha_daily_limits={"STANDARD": 1000},
    )
    async with running_app(settings) as app, api_for(app) as api:
        services: Services = app.state.services
        async with stocked(app, LEGENDARY=3):
            token = await player_with_gold(api, app, 50 * 5000)
            results = await asyncio.gather(*(pull(api, token, count="ONE") for _ in range(50)))
            assert all(r["__typename"] == "GachaPullSuccess" for r in results)
            items = [entry for r in results for entry in r["items"]]
            legendaries = sum(entry["item"]["rarity"] == "LEGENDARY" for entry in items)
            # 50 rolls at 90% LEGENDARY: fewer than 4 such rolls has probability < 10⁻⁴⁰,
            # so the stock runs out and every further LEGENDARY roll is downgraded.
            assert legendaries == 3
            downgraded = [entry for entry in items if entry["downgraded"]]
            assert downgraded
            assert all(entry["item"]["rarity"] == "COMMON" for entry in downgraded)
            async with services.sessionmaker() as session:
                remaining = await session.scalar(
                    select(GachaStock.remaining).where(GachaStock.rarity == "LEGENDARY")
                )
            assert remaining == 0
            status = (await api.data(FAIRNESS, token=token))["me"]
            assert status["fairness"]["nonce"] == 50


async def test_verify_round_reproduces_a_ten_pull(api: Api, app: Starlette) -> None:
    token = await player_with_gold(api, app, 50_000)
    ten = await pull(api, token, count="TEN")
    seed = (await rotate_seed(api, token))["revealed"]
    verified = (
        await api.data(
            """query V($seed: String!, $client: String!, $nonce: Int!) {
              verifyRound(game: GACHA, serverSeed: $seed, clientSeed: $client, nonce: $nonce) {
                gachaRolls } }""",
            {
                "seed": seed["serverSeed"],
                "client": seed["clientSeed"],
                "nonce": ten["fairness"]["nonce"],
            },
        )
    )["verifyRound"]["gachaRolls"]
    for entry, rolled in zip(ten["items"], verified, strict=True):
        if not entry["pity"] and not entry["downgraded"]:
            assert entry["item"]["rarity"] == rolled


async def test_the_daily_count_survives_a_restart_and_a_redis_flush(
    backend: Backend, api: Api, app: Starlette, settings: Settings, clock: FrozenClock
) -> None:
    """The count lives in the player's gacha row, not in hot state: emptying Redis (or
    restarting the embedded server) gives no fresh day."""
    token = await player_with_gold(api, app, 100_000)
    for _ in range(3):
        assert (await pull(api, token, count="ONE"))["__typename"] == "GachaPullSuccess"
    if backend.redis_url:
        redis = redis_of(backend)
        try:
            await delete_prefixed(redis, backend.redis_prefix)
        finally:
            await redis.aclose()
    async with running_app(settings, clock) as restarted, api_for(restarted) as fresh:
        refused = await pull(fresh, token, count="ONE")
        assert (refused["__typename"], refused["used"]) == ("DailyLimitReached", 3)
        status = (await fresh.data(STATUS, token=token))["me"]["gacha"]
        assert status["pullsToday"] == 3


async def test_twenty_simultaneous_pulls_take_exactly_the_daily_limit(
    api: Api, app: Starlette
) -> None:
    token = await player_with_gold(api, app, 200_000)
    results = await asyncio.gather(*(pull(api, token, count="ONE") for _ in range(20)))
    kinds = Counter(result["__typename"] for result in results)
    assert kinds == {"GachaPullSuccess": 3, "DailyLimitReached": 17}
    paid = sum(r["paidGold"] for r in results if r["__typename"] == "GachaPullSuccess")
    assert paid == 15_000
    assert (await api.data(STATUS, token=token))["me"]["gacha"]["pullsToday"] == 3
    await books_balance(app)


async def test_players_racing_for_the_last_units_never_oversell(backend: Backend) -> None:
    """Twenty players pull at once for a LEGENDARY stock of three (90% LEGENDARY rolls):
    each takes stock by a conditional update, and a pull that loses the race decides
    again on the stock as it now is."""
    settings = backend.settings(
        game_rate_limit_per_second=100_000,
        gacha_rates_bp={"LEGENDARY": 9000, "EPIC": 500, "RARE": 300, "COMMON": 200},
    )
    async with running_app(settings) as app, api_for(app) as api:
        services: Services = app.state.services
        async with stocked(app, LEGENDARY=3):
            tokens = [await player_with_gold(api, app, 5000) for _ in range(20)]
            results = await asyncio.gather(*(pull(api, t, count="ONE") for t in tokens))
            assert {r["__typename"] for r in results} == {"GachaPullSuccess"}
            items = [entry for r in results for entry in r["items"]]
            # 20 rolls at 90%: fewer than 4 LEGENDARY rolls has probability < 10⁻¹⁵.
            assert sum(e["item"]["rarity"] == "LEGENDARY" for e in items) == 3
            assert all(e["item"]["rarity"] == "COMMON" for e in items if e["downgraded"])
            async with services.sessionmaker() as session:
                remaining = await session.scalar(
                    select(GachaStock.remaining).where(GachaStock.rarity == "LEGENDARY")
                )
            assert remaining == 0
            await books_balance(app)


# PostgreSQL only: SQLite has no row locks (its single writer serializes every pull).
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_a_pull_that_rolls_nothing_stocked_does_not_wait_for_the_stock(
    backend: Backend,
) -> None:
    """Another transaction holds every stock row; a pull that rolls COMMON (weighted to
    all but certainty: 1 in 10⁶ rolls anything else) still completes — pulls used to
    lock the whole stock table."""
    settings = backend.settings(
        gacha_rates_bp={"LEGENDARY": 1, "EPIC": 1, "RARE": 1, "COMMON": 1_000_000}
    )
    async with (
        running_app(settings) as app,
        api_for(app) as api,
        stocked(app, LEGENDARY=5, EPIC=5),
    ):
        dsn = make_url(backend.database_url).set(drivername="postgresql")
        holder = await asyncpg.connect(dsn.render_as_string(hide_password=False))
        try:
            token = await player_with_gold(api, app, 5000)
            held = holder.transaction()
            await held.start()
            await holder.execute("SELECT rarity FROM gacha_stock FOR UPDATE")
            async with asyncio.timeout(20):
                result = await pull(api, token, count="ONE")
            await held.rollback()
            assert result["__typename"] == "GachaPullSuccess"
            assert result["items"][0]["item"]["rarity"] == "COMMON"
        finally:
            await holder.close()
