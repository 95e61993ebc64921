"""Statistics and history (SPEC §9.1, §9.2), on both backends: after a mixed run of every
game, `me.stats` equals a recomputation from history and agrees with the ledger; play
earns XP (1 per 100 gold staked in a game) and LEVEL_UP; `history(since)` pages from a
moment on; reading history and stats costs a fixed number of SQL statements.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from starlette.applications import Starlette

from casino_club.clock import FrozenClock
from casino_club.domain import crash
from casino_club.domain.ledger import PLAY_REASONS
from casino_club.services import Services
from tests.integration.crash.test_rounds import at_round_time, cash_out, open_round
from tests.support import (
    LEDGER,
    Api,
    books_balance,
    counting,
    events_during,
    grant_gold,
    node_id,
    row_id,
    spin,
)

STATS = """{ me { xp level stats {
  total { game plays wins losses staked paid net biggestWin bestMultiplier }
  games { game plays wins losses staked paid net biggestWin bestMultiplier }
  gachaByRarity { rarity count } } } }"""
HISTORY = """query H($game: Game, $since: DateTime, $after: String) {
  me { history(game: $game, since: $since, first: 50, after: $after) {
    edges { node { id game stake payout outcome at } } pageInfo { hasNextPage endCursor } } } }"""
PLAYS = [
    "diceRoll(input: {stake: 150, chance: 50, direction: UNDER}) { __typename }",
    "rpsPlay(input: {stake: 120, move: PAPER}) { __typename }",
    "gachaPull(input: {count: ONE, payWith: GOLD}) { __typename }",
    "wheelSpin(input: {}) { __typename }",
]


async def history_of(api: Api, token: str, **where: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    after = None
    while True:
        variables = {**where, "after": after}
        page = (await api.data(HISTORY, variables, token=token))["me"]["history"]
        found.extend(edge["node"] for edge in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


NOTHING = {"plays": 0, "wins": 0, "losses": 0, "staked": 0, "paid": 0, "biggestWin": 0}


def recomputed(history: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """What the stats of each game must be, from the plays alone."""
    games: dict[str, dict[str, Any]] = defaultdict(lambda: dict(NOTHING))
    for play in history:
        totals = games[play["game"]]
        totals["plays"] += 1
        totals["wins"] += play["payout"] > play["stake"]
        totals["losses"] += play["payout"] < play["stake"]
        totals["staked"] += play["stake"]
        totals["paid"] += play["payout"]
        totals["biggestWin"] = max(totals["biggestWin"], play["payout"])
    return games


async def test_stats_equal_history_and_the_ledger_after_every_game(
    api: Api, app: Starlette, clock: FrozenClock
) -> None:
    services: Services = app.state.services
    signed = await api.new_player()
    token, user_id = signed["accessToken"], signed["user"]["id"]
    await grant_gold(app, user_id, 50_000)
    for _ in range(6):
        assert (await spin(api, token, 90))["__typename"] == "SlotSpinSuccess"
    for play in PLAYS:
        answer = await api.data(f"mutation {{ {play} }}", token=token)
        assert next(iter(answer.values()))["__typename"].endswith("Success"), answer
    # A crash round cashed out at 1.50×: a win, and the best multiplier.
    row = await open_round(api, services, clock, token, at_least=200, stake=100)
    at_round_time(clock, row, crash.reach_ms(150))
    cashed = await cash_out(api, token, node_id("CrashRound", row.id))
    assert cashed["__typename"] == "CrashCashedOut", cashed
    multiplier = cashed["multiplier"]

    history = await history_of(api, token)
    me = (await api.data(STATS, token=token))["me"]
    stats = me["stats"]
    expected = recomputed(history)
    by_game = {g["game"]: g for g in stats["games"]}
    assert set(by_game) == {game.value for game in PLAY_REASONS}
    for game, totals in by_game.items():
        want = expected.get(game, NOTHING)
        assert {k: totals[k] for k in want} == want, game
        assert totals["net"] == totals["paid"] - totals["staked"]
    assert by_game["CRASH"]["bestMultiplier"] == multiplier
    assert stats["total"]["plays"] == len(history)
    assert stats["total"]["staked"] == sum(g["staked"] for g in by_game.values())
    assert stats["total"]["game"] is None and stats["total"]["bestMultiplier"] is None
    assert sum(c["count"] for c in stats["gachaByRarity"]) == 1

    # The ledger tells the same: every game's stakes out and payouts in.
    ledger = [e["node"] for e in (await api.data(LEDGER, token=token))["me"]["ledger"]["edges"]]
    for game, reasons in PLAY_REASONS.items():
        staked = -sum(e["amount"] for e in ledger if e["reason"] == reasons.cost)
        paid = sum(e["amount"] for e in ledger if e["reason"] == reasons.payout)
        totals = by_game[game.value]
        # Crash rounds cashed out at 1.00× while looking for a round return the stake;
        # history and stats count each of them as a play that staked and paid it.
        assert (totals["staked"], totals["paid"]) == (staked, paid), game

    # XP: 1 per 100 gold staked in each game (there were no check-ins).
    assert me["xp"] == sum(g["staked"] // 100 for g in by_game.values())
    assert me["level"] == me["xp"] // 500 + 1
    await books_balance(app)


async def test_history_since_a_moment(api: Api, clock: FrozenClock) -> None:
    token = (await api.new_player())["accessToken"]
    for _ in range(3):
        await spin(api, token, 10)
    clock.advance(timedelta(minutes=5))
    moment = clock.now()
    for _ in range(2):
        await spin(api, token, 10)
    clock.advance(timedelta(minutes=1))
    dice = "mutation { diceRoll(input: {stake: 10, chance: 50, direction: UNDER}) { __typename } }"
    await api.data(dice, token=token)
    everything = await history_of(api, token)
    assert len(everything) == 6
    recent = await history_of(api, token, since=moment.isoformat())
    assert [p["id"] for p in recent] == [p["id"] for p in everything[:3]]
    slots_recent = await history_of(api, token, game="SLOTS", since=moment.isoformat())
    assert [p["id"] for p in slots_recent] == [p["id"] for p in everything[1:3]]
    later = await history_of(api, token, since=(clock.now() + timedelta(seconds=1)).isoformat())
    assert later == []
    for bad in ("2026-11-23T10:00:00", "0001-01-01T00:00:00+00:00"):
        body = await api.execute(HISTORY, {"since": bad}, token=token)
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body


async def test_history_and_stats_cost_a_fixed_number_of_statements(
    api: Api, app: Starlette
) -> None:
    """Twelve plays or sixty: the same statements (no query per row or per game)."""
    services: Services = app.state.services
    query = (
        "{ me { xp level history(first: 50) { edges { node { id game stake payout } } } "
        "stats { total { plays } games { plays } gachaByRarity { count } } } }"
    )
    counts = []
    for plays in (12, 60):
        signed = await api.new_player()
        token = signed["accessToken"]
        await grant_gold(app, signed["user"]["id"], 10_000)
        for index in range(plays):
            if index % 4 == 0:
                await api.data(
                    "mutation { rpsPlay(input: {stake: 10, move: ROCK}) { __typename } }",
                    token=token,
                )
            else:
                await spin(api, token, 10)
        await api.data(query, token=token)  # the session is checked and cached
        with counting(services) as statements:
            result = await api.data(query, token=token)
        assert len(result["me"]["history"]["edges"]) == min(plays, 50)
        counts.append(len(statements))
    # The caller's account, XP, a history page, the stats rows, gacha's counts.
    assert 0 < counts[0] == counts[1] <= 5, counts


async def test_a_stake_that_reaches_a_level_publishes_level_up(api: Api, app: Starlette) -> None:
    """500 XP is level 2, and 1 XP is earned per 100 gold staked: a 50,000-gold spin
    reaches it, and the player hears LEVEL_UP after the spin's balance and game events
    (on every instant game's path: PostgreSQL's one statement, or the session's)."""
    signed = await api.new_player()
    token, user_id = signed["accessToken"], row_id(signed["user"]["id"])
    await grant_gold(app, signed["user"]["id"], 60_000)
    small = await spin(api, token, 100)  # 1 XP: no level
    big: dict[str, Any] = {}

    async def the_big_spin() -> None:
        big.update(await spin(api, token, 49_900))

    received = await events_during(app, user_id, the_big_spin, "LEVEL_UP")
    assert big["__typename"] == "SlotSpinSuccess"
    me = (await api.data("{ me { xp level } }", token=token))["me"]
    assert small["__typename"] == "SlotSpinSuccess" and me == {"xp": 500, "level": 2}
    kinds = [event.get("type", event["kind"]) for event in received]
    # What the first spin published may still be on its way: look from the last SLOT_SPIN.
    last = len(kinds) - 1 - kinds[::-1].index("SLOT_SPIN")
    assert kinds[last - 1] == "balance"  # the stake's, or the win's after it
    assert set(kinds[last + 1 : -1]) <= {"MISSION_PROGRESS", "MISSION_COMPLETED"}
    assert kinds[-1] == "LEVEL_UP" and received[-1]["data"] == {"level": 2}
    assert "LEVEL_UP" not in kinds[:-1]
