"""Leaderboards (SPEC §9.3): Redis's boards agree with SQL's on the same plays; a board
read through the API ranks what history says, costs a fixed number of statements, and
refuses boards that do not exist."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from starlette.applications import Starlette

from casino_club.clock import FrozenClock
from casino_club.domain import crash
from casino_club.domain.leaderboards import Period
from casino_club.domain.missions import periods_at
from casino_club.persistence.leaderboards import SqlLeaderboards, every_board
from casino_club.persistence.redis_leaderboards import RedisLeaderboards
from casino_club.resolvers.leaderboards import rebuild, rebuild_if_missing
from casino_club.services import Services
from tests.conftest import REDIS_BACKENDS, Backend, api_for, running_app
from tests.integration.crash.test_rounds import at_round_time, cash_out, open_round
from tests.support import Api, counting, grant_gold, node_id, row_id, run_command, spin

BOARD = """query B($metric: LeaderboardMetric!, $period: LeaderboardPeriod!, $game: Game,
  $first: Int!) { leaderboard(metric: $metric, period: $period, game: $game, first: $first) {
  metric period game entries { rank value user { id nickname level } } } }"""
PLAYS = (
    "diceRoll(input: {stake: 150, chance: 50, direction: UNDER})",
    "rpsPlay(input: {stake: 120, move: PAPER})",
    "gachaPull(input: {count: ONE, payWith: GOLD})",
    "wheelSpin(input: {})",
    "claimDailyReward",
)


async def play_a_bit_of_everything(
    api: Api, app: Starlette, clock: FrozenClock, spins: int
) -> dict[str, Any]:
    services: Services = app.state.services
    signed = await api.new_player()
    token = signed["accessToken"]
    await grant_gold(app, signed["user"]["id"], 20_000)
    for _ in range(spins):
        assert (await spin(api, token, 300))["__typename"] == "SlotSpinSuccess"
    for play in PLAYS:
        answer = await api.data(f"mutation {{ {play} {{ __typename }} }}", token=token)
        kind = next(iter(answer.values()))["__typename"]
        assert kind.endswith("Success") or kind == "DailyRewardClaimed", answer
    row = await open_round(api, services, clock, token, at_least=200, stake=100)
    at_round_time(clock, row, crash.reach_ms(150))
    assert (await cash_out(api, token, node_id("CrashRound", row.id)))[
        "__typename"
    ] == "CrashCashedOut"
    return signed


@pytest.mark.parametrize("backend", REDIS_BACKENDS, indirect=True)
async def test_redis_boards_agree_with_sql_on_the_same_plays(
    api: Api, app: Starlette, clock: FrozenClock
) -> None:
    """Built from SQL (the shared database's earlier plays), then fed play by play after
    each commit: every board — each metric, game and period — equals SQL's ranking.
    Emptied (a Redis restart), the instances' check writes them again."""
    services: Services = app.state.services
    boards = services.leaderboards
    assert isinstance(boards, RedisLeaderboards)
    sql = SqlLeaderboards(services.sessionmaker, services.settings.zone)
    assert services.redis is not None
    redis, prefix = services.redis, services.settings.redis_prefix

    async def empty_redis() -> None:  # as a Redis restarted without persistence is
        stale = [key async for key in redis.scan_iter(f"{prefix}{{lb}}:*")]
        if stale:
            await redis.delete(*stale)

    await empty_redis()  # the session's Redis prefix: earlier tests may have built them
    assert await rebuild_if_missing(services) == len(every_board())
    assert await rebuild_if_missing(services) == 0  # built: nothing to do
    players = [await play_a_bit_of_everything(api, app, clock, spins) for spins in (3, 6, 9)]
    periods = periods_at(services.clock.now(), services.settings.zone)

    async def disagreements() -> list[Any]:
        wrong = []
        for board in every_board():
            fed, truth = await boards.top(board, periods, 100), await sql.top(board, periods, 100)
            if fed != truth:
                wrong.append((board, fed, truth))
        return wrong

    assert await disagreements() == []
    # Day and week boards expire days after their period; all-time ones never.
    lifetimes = {
        board.period: await redis.ttl(f"{prefix}{{lb}}:{board.key(periods)}")
        for board in every_board()[:3]
    }
    assert 0 < lifetimes[Period.DAY] <= 3 * 86_400 < lifetimes[Period.WEEK] <= 15 * 86_400
    assert lifetimes[Period.ALL] == -1
    ours = {row_id(p["user"]["id"]) for p in players}
    for board in every_board():  # every board holds our players (all played every game)
        ranked = {entry.user_id for entry in await sql.top(board, periods, 100)}
        if board.metric.value != "BIGGEST_WIN" or board.game is None:
            assert ours <= ranked or len(ranked) == 100, board
    await empty_redis()
    assert (await boards.top(every_board()[0], periods, 100)) == []
    assert await rebuild_if_missing(services) == len(every_board())
    assert await disagreements() == []
    assert await rebuild(services) == len(every_board())  # the CLI's: always
    assert await disagreements() == []
    await redis.set(f"{prefix}{{lb}}:rebuilding", "1")  # another process is writing them
    assert await rebuild(services) == 0
    await redis.delete(f"{prefix}{{lb}}:rebuilding")


async def test_a_board_ranks_what_history_says(backend: Backend) -> None:
    """On a game day nobody else plays (a clock of its own), through the API: NET_WIN of
    slots is each player's payouts minus stakes, ranked highest first (equal scores, if
    the spins made any, by the newer player); LEVEL ranks by experience; entries carry
    the public profile."""
    settings = backend.settings(game_rate_limit_per_second=100_000)
    clock = FrozenClock(datetime(2041, 3, 5, 12, tzinfo=UTC))
    async with running_app(settings, clock) as app, api_for(app) as api:
        players = []
        for spins in (2, 4, 6, 0):
            signed = await api.new_player()
            await grant_gold(app, signed["user"]["id"], 10_000)
            for _ in range(spins):
                assert (await spin(api, signed["accessToken"], 500))["__typename"] == (
                    "SlotSpinSuccess"
                )
            players.append(signed)
        net: dict[str, int] = defaultdict(int)
        for signed in players:
            history = await api.data(
                "{ me { history(first: 100) { edges { node { stake payout } } } } }",
                token=signed["accessToken"],
            )
            for edge in history["me"]["history"]["edges"]:
                net[signed["user"]["id"]] += edge["node"]["payout"] - edge["node"]["stake"]
        variables = {"metric": "NET_WIN", "period": "DAY", "game": "SLOTS", "first": 100}
        board = (await api.data(BOARD, variables))["leaderboard"]
        tomorrow = clock.now() + timedelta(days=1)
        clock.advance(tomorrow - clock.now())
        next_day = (await api.data(BOARD, variables))["leaderboard"]
        level = await api.data(
            BOARD, {**variables, "metric": "LEVEL", "period": "ALL", "game": None}
        )
    expected = sorted(net.items(), key=lambda item: (item[1], row_id(item[0])), reverse=True)
    shown = [(e["user"]["id"], e["value"]) for e in board["entries"]]
    assert shown == expected and len(shown) == 3  # the player who never spun is not there
    assert [e["rank"] for e in board["entries"]] == [1, 2, 3]
    names = {p["user"]["id"]: p["user"]["nickname"] for p in players}
    assert all(e["user"]["nickname"] == names[e["user"]["id"]] for e in board["entries"])
    assert (board["metric"], board["period"], board["game"]) == ("NET_WIN", "DAY", "SLOTS")
    assert next_day["entries"] == []  # a new game day, a new board
    # LEVEL is all time, over the shared database: its order, whoever is on it.
    ranked = [(e["value"], row_id(e["user"]["id"])) for e in level["leaderboard"]["entries"]]
    assert ranked == sorted(ranked, reverse=True) and all(xp > 0 for xp, _ in ranked)


async def test_a_board_costs_a_fixed_number_of_statements(api: Api, app: Starlette) -> None:
    """Profiles and levels of every entry load through DataLoaders: as many statements
    for 3 entries as for 30."""
    services: Services = app.state.services
    variables = {"metric": "LEVEL", "period": "ALL", "game": None}
    for _ in range(30):
        token = (await api.new_player())["accessToken"]
        claimed = await api.data("mutation { claimDailyReward { __typename } }", token=token)
        assert claimed["claimDailyReward"]["__typename"] == "DailyRewardClaimed"
    seen = []
    for first in (3, 30):
        with counting(services) as statements:
            board = (await api.data(BOARD, {**variables, "first": first}))["leaderboard"]
        assert len(board["entries"]) == first
        seen.append(statements)
    # The request's own statements (tests.support.counting), shown on failure.
    assert 0 < len(seen[0]) == len(seen[1]) <= 3, seen


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"metric": "LEVEL", "period": "DAY", "game": None, "first": 10}, "LEVEL"),
        ({"metric": "LEVEL", "period": "ALL", "game": "SLOTS", "first": 10}, "LEVEL"),
        ({"metric": "NET_WIN", "period": "ALL", "game": None, "first": 0}, "first"),
        ({"metric": "NET_WIN", "period": "ALL", "game": None, "first": 101}, "first"),
    ],
)
async def test_a_board_that_does_not_exist_is_a_clear_error(
    api: Api, arguments: dict[str, Any], message: str
) -> None:
    body = await api.execute(BOARD, arguments)
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and message in error["message"]


async def test_the_cli_rebuilds_the_boards_in_production_mode(
    backend: Backend, app: Starlette
) -> None:
    done = await run_command(backend.environment(), "rebuild-leaderboards")
    assert done.returncode == 0, done.stderr
    if backend.name != "sqlite":
        assert done.stdout.strip() == f"{len(every_board())} boards written"
    else:
        assert done.stdout.startswith("nothing written: embedded mode")
