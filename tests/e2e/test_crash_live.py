"""End to end: a WebSocket client follows crash rounds on a real server (SPEC §6.4, §10),
and a round survives the server being killed (SPEC §13).

The server runs on its real clock, so where a round ends is up to the fair RNG; each
test accepts either ending and checks that everything the client saw agrees with it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
from gql import Client, GraphQLRequest, gql
from gql.transport.exceptions import TransportQueryError
from gql.transport.websockets import WebsocketsTransport

from casino_club.domain import crash
from tests.conftest import Backend
from tests.e2e.conftest import start_server
from tests.e2e.test_http_and_websocket import TIMEOUT, signup_player, ws_url
from tests.e2e.test_live_and_money import post, whole_ledger

pytestmark = pytest.mark.e2e

FOLLOW = gql(
    """subscription F($id: ID!) { crashRound(roundId: $id) {
      roundId kind multiplier elapsedMs crashPoint payout } }"""
)
BET = """mutation B($input: CrashBetInput!) { crashBet(input: $input) {
  __typename ... on CrashBetPlaced { balance round { id status } } } }"""
CASHOUT = """mutation C($input: CrashCashoutInput!) { crashCashout(input: $input) {
  __typename ... on CrashCashedOut { multiplier payout balance }
  ... on CrashRoundLost { crashPoint } } }"""
ROUND = "query R($id: ID!) { crashRound(id: $id) { status multiplier payout crashPoint } }"
MIN_TICKS = 5


def follower(base_url: str, token: str) -> Client:
    return Client(
        transport=WebsocketsTransport(
            url=ws_url(base_url),
            init_payload={"authorization": f"Bearer {token}"},
            subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
        )
    )


def following(round_id: str) -> GraphQLRequest:
    return GraphQLRequest(FOLLOW, variable_values={"id": round_id})


def check_ticks(ticks: list[dict[str, Any]], round_id: str) -> None:
    """Every tick is the curve at its own time, and time and multiplier never go back."""
    assert all(t["kind"] == "TICK" and t["roundId"] == round_id for t in ticks)
    for tick in ticks:
        assert tick["multiplier"] == crash.multiplier_at(tick["elapsedMs"]) / 100
        assert tick["crashPoint"] is None and tick["payout"] is None
    elapsed = [t["elapsedMs"] for t in ticks]
    assert elapsed == sorted(elapsed)
    multipliers = [t["multiplier"] for t in ticks]
    assert multipliers == sorted(multipliers)


async def follow_and_cash_out(
    base_url: str, http: httpx.AsyncClient, token: str, round_id: str, *, after_ticks: int
) -> tuple[list[dict[str, Any]], dict[str, Any] | None, dict[str, Any]]:
    """Follow the round over WebSocket on `base_url`; after `after_ticks` ticks, cash out
    through `http` (possibly another instance). Returns (ticks, cash-out result or None if
    the round ended first, the final event); the ticks are checked against the curve."""
    ticks: list[dict[str, Any]] = []
    cashed: dict[str, Any] | None = None
    final: dict[str, Any] | None = None
    async with asyncio.timeout(TIMEOUT), follower(base_url, token) as ws:
        async for event in ws.subscribe(following(round_id)):
            tick = event["crashRound"]
            if tick["kind"] != "TICK":
                final = tick
                break
            ticks.append(tick)
            if len(ticks) == after_ticks:
                cashed = (await post(http, CASHOUT, token, {"input": {"roundId": round_id}}))[
                    "crashCashout"
                ]
    check_ticks(ticks, round_id)
    assert final is not None, "the subscription ended without the round's end"
    return ticks, cashed, final


async def test_a_round_is_followed_to_its_auto_cashout_or_crash(server: str) -> None:
    player = await signup_player(server)
    token = player["accessToken"]
    async with httpx.AsyncClient(base_url=server, timeout=TIMEOUT) as http:
        for _ in range(8):
            placed = (await post(http, BET, token, {"input": {"stake": 100, "autoCashout": 1.1}}))[
                "crashBet"
            ]
            assert placed["__typename"] == "CrashBetPlaced", placed
            round_id = placed["round"]["id"]
            async with asyncio.timeout(TIMEOUT), follower(server, token) as ws:
                events = [event["crashRound"] async for event in ws.subscribe(following(round_id))]
            *ticks, final = events
            check_ticks(ticks, round_id)
            settled = (await post(http, ROUND, token, {"id": round_id}))["crashRound"]
            if final["kind"] == "CASHED_OUT":
                assert (final["multiplier"], final["payout"]) == (1.1, 110)
                assert final["elapsedMs"] == crash.reach_ms(110)
                assert (settled["status"], settled["multiplier"], settled["payout"]) == (
                    "CASHED_OUT",
                    1.1,
                    110,
                )
                assert settled["crashPoint"] >= 1.1
            else:
                assert final["kind"] == "CRASHED"
                assert final["crashPoint"] == final["multiplier"] < 1.1
                assert final["elapsedMs"] == crash.reach_ms(round(final["crashPoint"] * 100))
                assert settled["status"] == "CRASHED"
                assert settled["crashPoint"] == final["crashPoint"]
            assert all(t["multiplier"] < final["multiplier"] for t in ticks)
            if len(ticks) >= MIN_TICKS:
                break
        else:
            pytest.fail("no round ran long enough to tick")  # P(8 crashes < 1.03) ≈ 10^-11
        gold, rows = await whole_ledger(http, token)
    assert gold == sum(row["amount"] for row in rows)


async def test_a_cash_out_ends_the_followed_round(server: str) -> None:
    player = await signup_player(server)
    token = player["accessToken"]
    async with httpx.AsyncClient(base_url=server, timeout=TIMEOUT) as http:
        for _ in range(8):
            placed = (await post(http, BET, token, {"input": {"stake": 200}}))["crashBet"]
            round_id = placed["round"]["id"]
            ticks, cashed, final = await follow_and_cash_out(
                server, http, token, round_id, after_ticks=MIN_TICKS
            )
            if cashed is None:
                assert final["kind"] == "CRASHED"  # before the fifth tick: try another round
                continue
            if cashed["__typename"] == "CrashCashedOut":
                assert final["kind"] == "CASHED_OUT"
                assert (final["multiplier"], final["payout"]) == (
                    cashed["multiplier"],
                    cashed["payout"],
                )
                # The cash-out was sent after tick MIN_TICKS arrived, so it happened later;
                # ticks after it may still show more (sent before its commit was published).
                asked_after = ticks[MIN_TICKS - 1]
                assert final["elapsedMs"] >= asked_after["elapsedMs"]
                assert final["multiplier"] >= asked_after["multiplier"]
                assert final["multiplier"] == crash.multiplier_at(final["elapsedMs"]) / 100
                assert final["payout"] == 200 * round(final["multiplier"] * 100) // 100
            else:
                assert final["kind"] == "CRASHED"
                assert final["crashPoint"] == cashed["crashPoint"]
            break
        else:
            pytest.fail("no round ran long enough to cash out")
        gold, rows = await whole_ledger(http, token)
    assert gold == sum(row["amount"] for row in rows)


async def test_a_round_open_when_the_server_is_killed_settles_once_after_restart(
    backend: Backend, tmp_path: Path
) -> None:
    """kill -9 with a round running; it reaches its auto-cash-out (or crashes) while no
    server runs; the next server settles it exactly once and the books balance."""
    with start_server(backend, tmp_path) as first:
        player = await signup_player(first.url)
        token = player["accessToken"]
        async with httpx.AsyncClient(base_url=first.url, timeout=TIMEOUT) as http:
            placed = (await post(http, BET, token, {"input": {"stake": 100, "autoCashout": 1.05}}))[
                "crashBet"
            ]
        first.process.kill()
        first.process.wait()
    round_id = placed["round"]["id"]
    await asyncio.sleep(crash.reach_ms(105) / 1000 + 0.2)
    with start_server(backend, tmp_path) as second:
        async with httpx.AsyncClient(base_url=second.url, timeout=TIMEOUT) as http:
            settled = (await post(http, ROUND, token, {"id": round_id}))["crashRound"]
            again = (await post(http, CASHOUT, token, {"input": {"roundId": round_id}}))[
                "crashCashout"
            ]
            gold, rows = await whole_ledger(http, token)
    if settled["status"] == "CASHED_OUT":
        assert (settled["multiplier"], settled["payout"]) == (1.05, 105)
        assert again["__typename"] == "CrashCashedOut"
    else:
        assert settled["status"] == "CRASHED"
        assert settled["crashPoint"] < 1.05
        assert again["__typename"] == "CrashRoundLost"
    reasons = [row["reason"] for row in rows]
    assert reasons.count("CRASH_BET") == 1
    assert reasons.count("CRASH_WIN") == (settled["payout"] > 0)
    assert gold == sum(row["amount"] for row in rows) == 1000 - 100 + settled["payout"]


async def test_nobody_follows_a_round_that_is_not_theirs(server: str) -> None:
    alice, bob = await signup_player(server), await signup_player(server)
    async with httpx.AsyncClient(base_url=server, timeout=TIMEOUT) as http:
        placed = (await post(http, BET, alice["accessToken"], {"input": {"stake": 10}}))["crashBet"]
    for round_id in (placed["round"]["id"], "not-a-round"):
        async with asyncio.timeout(TIMEOUT), follower(server, bob["accessToken"]) as ws:
            ticks = ws.subscribe(following(round_id))
            with pytest.raises(TransportQueryError) as caught:
                await anext(ticks)
        assert caught.value.errors is not None
        assert caught.value.errors[0]["extensions"]["code"] == "ROUND_NOT_FOUND"


async def test_a_cash_out_on_another_instance_ends_the_followed_round(
    backend: Backend, server: str, tmp_path: Path
) -> None:
    """Two app instances share the database (and, on PostgreSQL + Redis, the event bus):
    a round followed on one and cashed out on the other ends with that cash-out — over
    Redis at once, and with the in-memory bus when the follower reaches the round's end
    and reads the settled round (the auto-cash-out at 1.5× bounds that wait)."""
    player = await signup_player(server)
    token = player["accessToken"]
    with start_server(backend, tmp_path) as other:
        async with httpx.AsyncClient(base_url=other.url, timeout=TIMEOUT) as elsewhere:
            for _ in range(8):
                placed = (
                    await post(elsewhere, BET, token, {"input": {"stake": 100, "autoCashout": 1.5}})
                )["crashBet"]
                round_id = placed["round"]["id"]
                _, cashed, final = await follow_and_cash_out(
                    server, elsewhere, token, round_id, after_ticks=3
                )
                if cashed is not None and cashed["__typename"] == "CrashCashedOut":
                    break
            else:
                pytest.fail("no round lasted three ticks")  # P(8 crashes < ~1.02) ≈ 10^-12
    assert final["kind"] == "CASHED_OUT"
    assert (final["multiplier"], final["payout"]) == (cashed["multiplier"], cashed["payout"])
    assert final["multiplier"] < 1.5  # the manual cash-out on the other instance, not the auto
