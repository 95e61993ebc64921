"""The query-cost limit and the per-caller query budget (SPEC §13, issue 24 item 2).

A costly query is refused with QUERY_TOO_COMPLEX before it runs; a caller over their
budget of operations per second is answered RATE_LIMITED, while another caller is not.
`asyncio.timeout` is a hang guard, not a stopwatch (see test_query_limits).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

import pytest

from casino_club.clock import FrozenClock
from casino_club.config import Settings
from tests.conftest import api_for, running_app
from tests.costly_queries import HISTORY_PAGE, OWN_HISTORY, PUBLIC_PAGES
from tests.query_bombs import BOMB_LEVELS
from tests.support import ME, Api, counting, error_codes, spin

HANG_GUARD_SECONDS = 30


def refused_as_too_complex(body: dict[str, Any]) -> None:
    assert body["data"] is None, body
    assert error_codes(body) == ["QUERY_TOO_COMPLEX"], body
    assert body["errors"][0]["extensions"]["maxCost"] == 2500


async def test_a_players_pages_through_every_field_are_refused_before_running(
    api: Api, app: Any
) -> None:
    token = (await api.new_player())["accessToken"]
    with counting(app.state.services) as statements:
        body = await api.execute(OWN_HISTORY, token=token)
    refused_as_too_complex(body)
    assert statements == []  # nothing was read: refused before execution


async def test_anonymous_public_pages_with_profiles_are_refused(api: Api) -> None:
    refused_as_too_complex(await api.execute(PUBLIC_PAGES))


async def test_the_cost_uses_the_variables_sent(api: Api) -> None:
    token = (await api.new_player())["accessToken"]
    page = await api.data(HISTORY_PAGE, {"first": 100}, token=token)
    assert page["me"]["history"]["edges"] == []
    # The same document, asking for ten times as many rounds.
    refused_as_too_complex(await api.execute(HISTORY_PAGE, {"first": 1000}, token=token))


async def test_a_page_size_sent_as_a_whole_float_is_counted(api: Api, app: Any) -> None:
    """graphql-core coerces 100.0 to the Int 100, so the pages run at 100 each: the cost
    counts them so too, not at the default of 20 (which would let them through)."""
    token = (await api.new_player())["accessToken"]
    pages = "query Pages($n: Int!) " + OWN_HISTORY.replace("first: 100", "first: $n")
    with counting(app.state.services) as statements:
        body = await api.execute(pages, {"n": 100.0}, token=token)
    refused_as_too_complex(body)
    assert statements == []


async def test_everyday_queries_pass(api: Api) -> None:
    player = await api.new_player()
    token = player["accessToken"]
    assert (await api.data(ME, token=token))["me"]["id"] == player["user"]["id"]
    assert (await spin(api, token, 10))["__typename"] == "SlotSpinSuccess"
    leaders = await api.data(
        "{ leaderboard(metric: LEVEL, first: 100) { entries { rank value"
        " user { id nickname rank joinedAt level } } } }"
    )
    assert isinstance(leaders["leaderboard"]["entries"], list)


async def test_a_fragment_bomb_under_a_page_is_measured_in_linear_time(api: Api) -> None:
    """Fragments that each spread the previous one beside a field: 2^29 fields of each of
    100 rounds. Measuring each fragment once, the verdict comes at once."""
    parts = ["fragment R0 on GameRound { id }"]
    parts += [
        f"fragment R{i} on GameRound {{ ...R{i - 1} game ...R{i - 1} stake }}"
        for i in range(1, BOMB_LEVELS)
    ]
    inner = f"... on GameRound {{ ...R{BOMB_LEVELS - 1} }}"
    query = (
        " ".join(parts)
        + f" {{ me {{ history(first: 100) {{ edges {{ node {{ {inner} }} }} }} }} }}"
    )
    token = (await api.new_player())["accessToken"]
    async with asyncio.timeout(HANG_GUARD_SECONDS):
        body = await api.execute(query, token=token)
    refused_as_too_complex(body)


def budgeted(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"query_budget_per_second_per_player": 5, "query_budget_per_second_per_address": 5}
    )


async def test_each_caller_has_a_budget_of_operations_per_second(
    settings: Settings, clock: FrozenClock
) -> None:
    async with running_app(budgeted(settings), clock) as app, api_for(app) as api:
        # Sign-ups are anonymous: they draw on the address's budget.
        flooder = (await api.new_player())["accessToken"]
        honest = (await api.new_player())["accessToken"]
        answers = [await api.execute(ME, token=flooder) for _ in range(8)]
        assert [error_codes(body) for body in answers[:5]] == [[]] * 5
        for body in answers[5:]:
            assert body["data"] is None
            assert error_codes(body) == ["RATE_LIMITED"]
            assert 0 < body["errors"][0]["extensions"]["retryAfterMs"] <= 1000
        # Another player's budget is their own.
        assert (await spin(api, honest, 10))["__typename"] == "SlotSpinSuccess"
        # Anonymous callers share their address's: two sign-ups and three more.
        anonymous = [await api.execute("{ slotsConfig { minStake } }") for _ in range(4)]
        assert [error_codes(body) for body in anonymous] == [[], [], [], ["RATE_LIMITED"]]
        clock.advance(timedelta(seconds=1))
        assert (await api.data(ME, token=flooder))["me"]["gold"] is not None


async def test_a_subscription_over_plain_http_is_refused_unexecuted(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    """No HTTP streaming transport is offered: a subscription sent as a POST used to run
    its resolver as a query, uncharged by the budget (it skips subscriptions) and not
    held by the subscription limits (its lease ended with the request), and answered an
    internal error with an ERROR traceback each time. Now it is refused before running."""
    token = (await api.new_player())["accessToken"]
    beat = "subscription { heartbeat(intervalSeconds: 60) { userId } }"
    with caplog.at_level(logging.ERROR):
        body = await api.execute(beat, token=token)
    assert body["data"] is None
    assert error_codes(body) == ["BAD_REQUEST"]
    assert "WebSocket" in body["errors"][0]["message"]
    assert [record for record in caplog.records if record.levelno >= logging.ERROR] == []
