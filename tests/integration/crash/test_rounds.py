"""Crash through the real schema on both backends (SPEC §6.4): cash-out timing at the
millisecond on an injected clock, auto-cash-out, settlement by access and by the
sweeper, one open round per player, concurrent double cash-outs, restarts, verification
and the operators' list."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from starlette.applications import Starlette

from casino_club.clock import FrozenClock
from casino_club.config import Settings
from casino_club.domain import crash
from casino_club.persistence.models import CrashRound, LedgerEntry
from casino_club.persistence.wallet import ledger_mismatches
from casino_club.resolvers import crash as crash_cases
from casino_club.services import Services
from tests.conftest import api_for, running_app
from tests.support import FAIRNESS, Api, node_id, revealed_seed, row_id

ROUND_FIELDS = """id userId status stake autoCashout startedAt elapsedMs multiplier crashPoint
  payout settledAt fairness { serverSeedHash clientSeed nonce }"""
BET = f"""mutation B($input: CrashBetInput!) {{ crashBet(input: $input) {{
  __typename
  ... on CrashBetPlaced {{ balance replayed round {{ {ROUND_FIELDS} }} }}
  ... on ActiveRoundExists {{ code round {{ id status crashPoint }} }}
  ... on ValidationFailed {{ fields {{ field code }} }}
  ... on UserError {{ code message }} }} }}"""
CASHOUT = f"""mutation C($input: CrashCashoutInput!) {{ crashCashout(input: $input) {{
  __typename
  ... on CrashCashedOut {{ multiplier payout balance replayed round {{ {ROUND_FIELDS} }} }}
  ... on CrashRoundLost {{ crashPoint round {{ {ROUND_FIELDS} }} }}
  ... on UserError {{ code message }} }} }}"""
ROUND = f"query R($id: ID!) {{ crashRound(id: $id) {{ {ROUND_FIELDS} }} }}"
ACTIVE = "{ activeCrashRound { id status } }"


async def place(api: Api, token: str, **values: Any) -> dict[str, Any]:
    result: dict[str, Any] = (await api.data(BET, {"input": values}, token=token))["crashBet"]
    return result


async def cash_out(api: Api, token: str, round_id: str) -> dict[str, Any]:
    result: dict[str, Any] = (
        await api.data(CASHOUT, {"input": {"roundId": round_id}}, token=token)
    )["crashCashout"]
    return result


async def row_of(services: Services, round_id: str) -> CrashRound:
    async with services.sessionmaker() as session:
        row = await session.get(CrashRound, row_id(round_id))
    assert row is not None
    return row


async def open_round(
    api: Api,
    services: Services,
    clock: FrozenClock,
    token: str,
    *,
    at_least: int = 101,
    at_most: int | None = None,
    stake: int = 100,
    auto: float | None = None,
) -> CrashRound:
    """Bet until a round's crash point (read from the database) is within the bounds.

    A round outside them is cashed out at once — at 1.00×, so the stake comes back
    (unless it crashed instantly, P = 2/101) — and the clock does not move.
    """
    for _ in range(40):
        placed = await place(api, token, stake=stake, autoCashout=auto)
        assert placed["__typename"] == "CrashBetPlaced", placed
        row = await row_of(services, placed["round"]["id"])
        if at_least <= row.crash_point and (at_most is None or row.crash_point <= at_most):
            return row
        discarded = await cash_out(api, token, node_id("CrashRound", row.id))
        assert discarded["round"]["elapsedMs"] == 0
    raise AssertionError("40 rounds missed the bounds")  # P < (1 − 0.99/3)^40 for ≤ 3.00


def at_round_time(clock: FrozenClock, row: CrashRound, elapsed_ms: int) -> None:
    clock.advance(row.started_at + timedelta(milliseconds=elapsed_ms) - clock.now())


async def wins_of(services: Services, row: CrashRound) -> int:
    """How many CRASH_WIN ledger rows this round has."""
    async with services.sessionmaker() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(LedgerEntry)
            .where(
                LedgerEntry.user_id == row.user_id,
                LedgerEntry.reason == "CRASH_WIN",
                LedgerEntry.reference == f"crash:{row.seed_id}:{row.nonce}",
            )
        )
    return int(count or 0)


async def books_balance(services: Services) -> None:
    async with services.sessionmaker() as session:
        assert await ledger_mismatches(session) == []


async def crash_history(api: Api, token: str) -> list[dict[str, Any]]:
    """The player's settled crash rounds, newest first."""
    data = await api.data(
        "{ me { history(game: CRASH, first: 50) { edges { node { stake payout outcome"
        " fairness { serverSeedHash clientSeed nonce } } } } } }",
        token=token,
    )
    return [edge["node"] for edge in data["me"]["history"]["edges"]]


async def gold(api: Api, token: str) -> int:
    value: int = (await api.data(FAIRNESS, token=token))["me"]["gold"]
    return value


@pytest.mark.parametrize(
    ("offset", "wins"), [(-1, True), (0, False), (1, False)], ids=["before", "at", "after"]
)
async def test_cash_out_just_before_exactly_at_and_just_after_the_crash(
    api: Api, app: Starlette, clock: FrozenClock, offset: int, wins: bool
) -> None:
    services: Services = app.state.services
    token = (await api.new_player())["accessToken"]
    row = await open_round(api, services, clock, token, at_least=150)
    crash_ms = crash.reach_ms(row.crash_point)
    at_round_time(clock, row, crash_ms + offset)
    balance_before = await gold(api, token)
    result = await cash_out(api, token, node_id("CrashRound", row.id))
    if wins:
        multiplier = crash.multiplier_at(crash_ms - 1)
        assert multiplier < row.crash_point
        assert result["__typename"] == "CrashCashedOut"
        assert result["multiplier"] == multiplier / 100
        assert result["payout"] == 100 * multiplier // 100
        assert result["balance"] == balance_before + result["payout"]
        assert result["replayed"] is False
        assert result["round"]["status"] == "CASHED_OUT"
        assert result["round"]["crashPoint"] == row.crash_point / 100
        assert result["round"]["elapsedMs"] == crash_ms - 1
    else:
        assert result["__typename"] == "CrashRoundLost"
        assert result["crashPoint"] == row.crash_point / 100
        assert result["round"]["status"] == "CRASHED"
        assert result["round"]["payout"] == 0
        assert result["round"]["elapsedMs"] == crash_ms
        assert await gold(api, token) == balance_before
    await books_balance(services)


async def test_a_running_round_hides_its_crash_point_and_shows_the_curve(
    api: Api, app: Starlette, clock: FrozenClock
) -> None:
    services: Services = app.state.services
    token = (await api.new_player())["accessToken"]
    row = await open_round(api, services, clock, token, at_least=200)
    at_round_time(clock, row, 5_000)
    shown = (await api.data(ROUND, {"id": node_id("CrashRound", row.id)}, token=token))[
        "crashRound"
    ]
    assert shown["status"] == "OPEN"
    assert shown["crashPoint"] is None
    assert shown["payout"] is None
    assert shown["elapsedMs"] == 5_000
    assert shown["multiplier"] == crash.multiplier_at(5_000) / 100 == 1.34
    active = (await api.data(ACTIVE, token=token))["activeCrashRound"]
    assert active == {"id": node_id("CrashRound", row.id), "status": "OPEN"}
    # History holds settled rounds only; this one is still running.
    settled_ids = {h["outcome"]["roundId"] for h in await crash_history(api, token)}
    assert row.id not in settled_ids
    assert all(isinstance(round_id, int) for round_id in settled_ids)


async def test_auto_cashout_pays_exactly_at_the_target(
    api: Api, app: Starlette, clock: FrozenClock
) -> None:
    services: Services = app.state.services
    player = await api.new_player()
    token = player["accessToken"]
    row = await open_round(api, services, clock, token, at_least=175, stake=333, auto=1.75)
    target_ms = crash.reach_ms(175)
    balance = await gold(api, token)
    at_round_time(clock, row, target_ms - 1)
    assert (await api.data(ROUND, {"id": node_id("CrashRound", row.id)}, token=token))[
        "crashRound"
    ]["status"] == "OPEN"
    at_round_time(clock, row, target_ms + 2_000)
    # Looking at the round settles it, as of the target: 333 × 1.75 = 582.75 → 582.
    shown = (await api.data(ROUND, {"id": node_id("CrashRound", row.id)}, token=token))[
        "crashRound"
    ]
    assert shown["status"] == "CASHED_OUT"
    assert shown["multiplier"] == 1.75
    assert shown["payout"] == 582
    assert shown["elapsedMs"] == target_ms
    assert await gold(api, token) == balance + 582
    # A manual cash-out afterwards reports the same settlement and pays nothing more.
    again = await cash_out(api, token, node_id("CrashRound", row.id))
    assert again["__typename"] == "CrashCashedOut"
    assert (again["payout"], again["replayed"], again["balance"]) == (582, True, balance + 582)
    assert await wins_of(services, row) == 1
    latest = (await crash_history(api, token))[0]
    assert latest["outcome"] == {
        "roundId": row.id,
        "status": "CASHED_OUT",
        "crashPoint": row.crash_point / 100,
        "cashoutMultiplier": 1.75,
        "autoCashout": 1.75,
        "endedMs": target_ms,
    }
    assert (latest["stake"], latest["payout"]) == (333, 582)
    assert latest["fairness"] == shown["fairness"]
    await books_balance(services)


async def test_the_sweeper_settles_rounds_nobody_looks_at(
    api: Api, app: Starlette, clock: FrozenClock
) -> None:
    services: Services = app.state.services
    auto_player, plain_player = (await api.new_player()), (await api.new_player())
    auto_row = await open_round(
        api, services, clock, auto_player["accessToken"], at_least=120, auto=1.2
    )
    plain_row = await open_round(api, services, clock, plain_player["accessToken"], at_least=101)
    auto_balance = await gold(api, auto_player["accessToken"])
    ends = (
        auto_row.started_at + timedelta(milliseconds=crash.reach_ms(120)),
        plain_row.started_at + timedelta(milliseconds=crash.reach_ms(plain_row.crash_point)),
    )
    clock.advance(max(ends) - clock.now())
    assert await crash_cases.sweep(services) >= 2
    auto_after, plain_after = (
        await row_of(services, node_id("CrashRound", auto_row.id)),
        await row_of(services, node_id("CrashRound", plain_row.id)),
    )
    assert (auto_after.status, auto_after.cashout_multiplier, auto_after.payout) == (
        "CASHED_OUT",
        120,
        120,
    )
    assert (plain_after.status, plain_after.payout) == ("CRASHED", 0)
    assert await gold(api, auto_player["accessToken"]) == auto_balance + 120
    assert await crash_cases.sweep(services) == 0
    await books_balance(services)


async def test_one_open_round_per_player_even_for_simultaneous_bets(
    api: Api, app: Starlette, clock: FrozenClock
) -> None:
    services: Services = app.state.services
    player = await api.new_player()
    token = player["accessToken"]
    results = await asyncio.gather(*(place(api, token, stake=50) for _ in range(6)))
    placed = sorted(
        (r for r in results if r["__typename"] == "CrashBetPlaced"),
        key=lambda r: row_id(r["round"]["id"]),
    )
    refused = [r for r in results if r["__typename"] == "ActiveRoundExists"]
    assert len(placed) + len(refused) == 6
    # A round that crashed at 1.00 ended the instant it began (P = 2/101), so the next
    # bet settled it and went ahead; any other round refuses every other bet.
    rows = [await row_of(services, r["round"]["id"]) for r in placed]
    assert [(row.status, row.crash_point) for row in rows[:-1]] == [("CRASHED", 100)] * (
        len(rows) - 1
    )
    assert rows[-1].status == "OPEN"
    assert {r["round"]["id"] for r in refused} <= {placed[-1]["round"]["id"]}
    assert all(r["round"]["crashPoint"] is None for r in refused)
    assert await gold(api, token) == 1000 - 50 * len(placed)
    nonce = (await api.data(FAIRNESS, token=token))["me"]["fairness"]["nonce"]
    assert nonce == len(placed)
    # Once the round has ended, the next bet settles it and goes ahead.
    at_round_time(clock, rows[-1], crash.reach_ms(rows[-1].crash_point) + 1_000)
    assert (await place(api, token, stake=50))["__typename"] == "CrashBetPlaced"
    assert (await row_of(services, placed[-1]["round"]["id"])).status == "CRASHED"
    await books_balance(services)


async def test_simultaneous_cash_outs_pay_once(
    api: Api, app: Starlette, clock: FrozenClock
) -> None:
    services: Services = app.state.services
    player = await api.new_player()
    token = player["accessToken"]
    row = await open_round(api, services, clock, token, at_least=150)
    at_round_time(clock, row, crash.reach_ms(row.crash_point) // 2)
    results = await asyncio.gather(
        *(cash_out(api, token, node_id("CrashRound", row.id)) for _ in range(8))
    )
    assert {r["__typename"] for r in results} == {"CrashCashedOut"}
    assert sorted(r["replayed"] for r in results) == [False] + [True] * 7
    assert len({(r["multiplier"], r["payout"]) for r in results}) == 1
    assert await wins_of(services, row) == 1
    first = next(r for r in results if not r["replayed"])
    assert await gold(api, token) == first["balance"]
    await books_balance(services)


@pytest.mark.parametrize(
    ("values", "field", "code"),
    [
        ({"stake": 9}, None, "INVALID_STAKE"),
        ({"stake": 100_001}, None, "INVALID_STAKE"),
        ({"stake": 5_000}, None, "INSUFFICIENT_FUNDS"),
        ({"stake": 100, "autoCashout": 1.0}, "autoCashout", "VALIDATION_FAILED"),
        ({"stake": 100, "autoCashout": 1.005}, "autoCashout", "VALIDATION_FAILED"),
        ({"stake": 100, "autoCashout": -2}, "autoCashout", "VALIDATION_FAILED"),
        ({"stake": 100, "autoCashout": 1_000_000.01}, "autoCashout", "VALIDATION_FAILED"),
    ],
)
async def test_bad_bets_are_refused_and_change_nothing(
    api: Api, app: Starlette, values: dict[str, Any], field: str | None, code: str
) -> None:
    token = (await api.new_player())["accessToken"]
    before = (await api.data(FAIRNESS, token=token))["me"]
    result = await place(api, token, **values)
    assert result["code"] == code
    if field is not None:
        assert result["fields"] == [{"field": field, "code": "INVALID_AUTO_CASHOUT"}]
    assert (await api.data(FAIRNESS, token=token))["me"] == before
    assert (await api.data(ACTIVE, token=token))["activeCrashRound"] is None


async def test_a_repeated_bet_key_replays_the_first_round(api: Api) -> None:
    token = (await api.new_player())["accessToken"]
    first = await place(api, token, stake=100, idempotencyKey="crash-1")
    again = await place(api, token, stake=100, idempotencyKey="crash-1")
    assert first["__typename"] == again["__typename"] == "CrashBetPlaced"
    assert again["replayed"] is True
    assert again["round"]["id"] == first["round"]["id"]
    assert await gold(api, token) == 900
    other = await place(api, token, stake=200, idempotencyKey="crash-1")
    assert other["code"] == "IDEMPOTENCY_KEY_REUSED"


async def test_rounds_of_others_do_not_exist_for_a_player(api: Api) -> None:
    alice, bob = (await api.new_player())["accessToken"], (await api.new_player())["accessToken"]
    placed = await place(api, alice, stake=100)
    round_id = placed["round"]["id"]
    assert (await cash_out(api, bob, round_id))["code"] == "ROUND_NOT_FOUND"
    assert (await cash_out(api, bob, "not-a-number"))["code"] == "ROUND_NOT_FOUND"
    assert (await api.data(ROUND, {"id": round_id}, token=bob))["crashRound"] is None
    assert (await api.data(ROUND, {"id": "x"}, token=alice))["crashRound"] is None


async def test_rounds_verify_from_the_revealed_seed(
    api: Api, app: Starlette, clock: FrozenClock
) -> None:
    services: Services = app.state.services
    token = (await api.new_player())["accessToken"]
    row = await open_round(api, services, clock, token, at_least=101)
    at_round_time(clock, row, crash.reach_ms(row.crash_point))
    lost = await cash_out(api, token, node_id("CrashRound", row.id))
    assert lost["__typename"] == "CrashRoundLost"
    revealed = await revealed_seed(api, token)
    proof = lost["round"]["fairness"]
    verified = await api.data(
        """query V($seed: String!, $client: String!, $nonce: Int!) {
          verifyRound(game: CRASH, serverSeed: $seed, clientSeed: $client, nonce: $nonce) {
            crashPoint } }""",
        {"seed": revealed, "client": proof["clientSeed"], "nonce": proof["nonce"]},
    )
    assert verified["verifyRound"]["crashPoint"] == lost["crashPoint"]


async def test_crash_config_publishes_the_odds(api: Api) -> None:
    config = (
        await api.data(
            "{ crashConfig { rtp houseEdgePercent growthPerSecond tickIntervalMs minStake "
            "maxStake minAutoCashout maxAutoCashout instantCrashProbability "
            "settleWithinSeconds odds { multiplier probability exact } } }"
        )
    )["crashConfig"]
    assert config["rtp"] == 0.99
    assert config["houseEdgePercent"] == 1
    assert config["growthPerSecond"] == 0.06
    assert config["tickIntervalMs"] == 100
    assert (config["minStake"], config["maxStake"]) == (10, 100_000)
    assert (config["minAutoCashout"], config["maxAutoCashout"]) == (1.01, 1_000_000.0)
    assert abs(config["instantCrashProbability"] - 2 / 101) < 1e-9
    assert config["settleWithinSeconds"] == 60  # this module's sweep interval
    for odds in config["odds"]:
        assert odds["probability"] == pytest.approx(0.99 / odds["multiplier"], rel=1e-12)
        numerator, denominator = map(int, odds["exact"].split("/"))
        assert abs(numerator / denominator - odds["probability"]) < 2**-32
    assert [o["multiplier"] for o in config["odds"]][:3] == [1.01, 1.5, 2.0]


ADMIN_ROUNDS = """query A($filter: CrashRoundFilter, $after: String) {
  crashRounds(filter: $filter, first: 2, after: $after) {
    edges { node { id userId status crashPoint } } pageInfo { hasNextPage endCursor } } }"""


async def test_operators_list_rounds_by_player_and_status(
    api: Api, app: Starlette, clock: FrozenClock, admin_token: str
) -> None:
    services: Services = app.state.services
    player = await api.new_player()
    token, user_id = player["accessToken"], player["user"]["id"]
    earlier = []
    for _ in range(3):
        row = await open_round(api, services, clock, token, at_least=101)
        at_round_time(clock, row, crash.reach_ms(row.crash_point) + 1_000)
        earlier.append(node_id("CrashRound", row.id))
    running = await open_round(api, services, clock, token, at_least=200)
    mine = {"userId": user_id}
    page = (await api.data(ADMIN_ROUNDS, {"filter": mine}, token=admin_token))["crashRounds"]
    listed = [e["node"] for e in page["edges"]]
    assert [node["id"] for node in listed][:1] == [node_id("CrashRound", running.id)]
    assert len(listed) == 2
    assert {node["userId"] for node in listed} == {user_id}
    assert page["edges"][0]["node"]["crashPoint"] is None  # even operators wait for the end
    assert page["pageInfo"]["hasNextPage"] is True
    crashed = await api.data(
        ADMIN_ROUNDS, {"filter": {**mine, "status": "CRASHED"}}, token=admin_token
    )
    assert {e["node"]["status"] for e in crashed["crashRounds"]["edges"]} == {"CRASHED"}
    later = await api.data(
        ADMIN_ROUNDS,
        {"filter": {**mine, "startedFrom": running.started_at.isoformat()}},
        token=admin_token,
    )
    later_ids = [e["node"]["id"] for e in later["crashRounds"]["edges"]]
    assert later_ids[0] == node_id("CrashRound", running.id)
    assert not set(later_ids) & set(earlier)
    nonsense = await api.execute(ADMIN_ROUNDS, {"filter": {"userId": "x"}}, token=admin_token)
    assert nonsense["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    refused = await api.execute(ADMIN_ROUNDS, {"filter": mine}, token=token)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_open_rounds_survive_a_restart_and_settle_once(
    settings: Settings, clock: FrozenClock
) -> None:
    """The server stops with rounds open; while it is down one round reaches its
    auto-cash-out and another crashes; a third is still running. The next server
    settles the ended ones (its sweeper runs at start) and lets the running one cash out."""
    async with running_app(settings, clock) as first, api_for(first) as api:
        services: Services = first.state.services
        players = [await api.new_player() for _ in range(3)]
        tokens = [p["accessToken"] for p in players]
        auto_row = await open_round(api, services, clock, tokens[0], at_least=130, auto=1.3)
        lost_row = await open_round(api, services, clock, tokens[1], at_most=200)
        end = max(
            auto_row.started_at + timedelta(milliseconds=crash.reach_ms(130)),
            lost_row.started_at + timedelta(milliseconds=crash.reach_ms(lost_row.crash_point)),
        )
        # A round that is still running at `end`: its crash comes later than that (≤ 2.00×).
        needed = crash.multiplier_at((end - clock.now()) // timedelta(milliseconds=1) + 1) + 1
        long_row = await open_round(api, services, clock, tokens[2], at_least=needed)
        balances = [await gold(api, token) for token in tokens]
    # While no server runs: past the auto-cash-out and the crash, not the long round's.
    clock.advance(max(end - clock.now(), timedelta(0)) + timedelta(milliseconds=1))
    long_elapsed = (clock.now() - long_row.started_at) // timedelta(milliseconds=1)
    assert long_elapsed < crash.reach_ms(long_row.crash_point)
    async with running_app(settings, clock) as second, api_for(second) as api:
        services = second.state.services
        for _ in range(100):  # the sweeper's run at start, in the background
            rows = [
                await row_of(services, node_id("CrashRound", r.id)) for r in (auto_row, lost_row)
            ]
            if all(row.status != "OPEN" for row in rows):
                break
            await asyncio.sleep(0.05)
        auto_after = await row_of(services, node_id("CrashRound", auto_row.id))
        assert (auto_after.status, auto_after.payout) == ("CASHED_OUT", 130)
        assert (await row_of(services, node_id("CrashRound", lost_row.id))).status == "CRASHED"
        assert await gold(api, tokens[0]) == balances[0] + 130
        assert await gold(api, tokens[1]) == balances[1]
        won = await cash_out(api, tokens[2], node_id("CrashRound", long_row.id))
        assert won["__typename"] == "CrashCashedOut"
        assert won["multiplier"] == crash.multiplier_at(long_elapsed) / 100
        assert await crash_cases.sweep(services) == 0
        assert await wins_of(services, auto_row) == 1
        await books_balance(services)
