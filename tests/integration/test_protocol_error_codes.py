"""Protocol errors carry codes over HTTP (SPEC §12.1): a client branches on
`extensions.code`, never on graphql-core's English.

Parse errors are GRAPHQL_PARSE_FAILED, validation errors GRAPHQL_VALIDATION_FAILED, every
limit (depth, aliases, tokens, cost) QUERY_TOO_COMPLEX, a variable that cannot be coerced
BAD_USER_INPUT; none of them runs anything.
"""

from __future__ import annotations

from typing import Any

import pytest

from casino_club.config import Settings
from tests.conftest import Backend, api_for, running_app
from tests.costly_queries import PUBLIC_PAGES
from tests.support import Api, error_codes

LEADERBOARD = "{ leaderboard(metric: LEVEL) { entries { rank } } }"


def refused_before_running(body: dict[str, Any], code: str) -> None:
    assert body["data"] is None, body
    assert error_codes(body) == [code], body


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("{ leaderboard(metric: LEVEL) { entries { rank }", "GRAPHQL_PARSE_FAILED"),
        ("{ nosuchfield }", "GRAPHQL_VALIDATION_FAILED"),
        ("{ leaderboard(metric: NOT_A_METRIC) { metric } }", "GRAPHQL_VALIDATION_FAILED"),
        ("query Q($unused: Int) { __typename }", "GRAPHQL_VALIDATION_FAILED"),
        ("{ " + " ".join(f"a{n}: __typename" for n in range(16)) + " }", "QUERY_TOO_COMPLEX"),
        ("{ " + "__typename " * 2100 + "}", "QUERY_TOO_COMPLEX"),
        (PUBLIC_PAGES, "QUERY_TOO_COMPLEX"),
    ],
    ids=[
        "syntax",
        "unknown field",
        "bad enum literal",
        "unused variable",
        "aliases",
        "tokens",
        "cost",
    ],
)
async def test_every_refused_document_is_coded(api: Api, query: str, code: str) -> None:
    refused_before_running(await api.execute(query), code)


async def test_the_depth_limit_is_coded(backend: Backend) -> None:
    """The real schema is shallower than 10 levels; a lower limit shows the code."""
    async with running_app(backend.settings(graphql_max_depth=1)) as app, api_for(app) as api:
        refused_before_running(await api.execute(LEADERBOARD), "QUERY_TOO_COMPLEX")
        assert (await api.data("{ slotsConfig { rtp } }"))["slotsConfig"]["rtp"]


@pytest.mark.parametrize(
    "variables",
    [{"first": "ten"}, {"first": 1.5}, {}, {"first": None}],
    ids=["string", "fraction", "missing", "null"],
)
async def test_a_variable_that_cannot_be_coerced_is_bad_user_input(
    api: Api, variables: dict[str, Any]
) -> None:
    query = "query Top($first: Int!) { leaderboard(metric: LEVEL, first: $first) { metric } }"
    refused_before_running(await api.execute(query, variables), "BAD_USER_INPUT")


async def test_codes_hold_with_the_introspection_switch_off(backend: Backend) -> None:
    settings: Settings = backend.settings(graphql_introspection=False)
    async with running_app(settings) as app, api_for(app) as api:
        body = await api.execute("{ __schema { queryType { name } } }")
        assert body["data"] is None, body
        assert set(error_codes(body)) == {"GRAPHQL_VALIDATION_FAILED"}, body


NAIVE = "2026-01-01T00:00:00"
CRASH_ROUNDS = """query R($from: DateTime) {
  crashRounds(filter: {startedFrom: $from}) { edges { node { id } } } }"""


async def test_an_instant_without_an_offset_is_bad_user_input(api: Api, admin_token: str) -> None:
    """An instant is compared with stored, UTC-aware ones: one without an offset is
    refused, never guessed (the crash rounds' filter failed as an internal error)."""
    body = await api.execute(CRASH_ROUNDS, {"from": NAIVE}, token=admin_token)
    refused_before_running(body, "BAD_USER_INPUT")
    assert "startedFrom must carry a UTC offset" in body["errors"][0]["message"]
    for aware in (NAIVE + "Z", NAIVE + "+09:00"):
        page = await api.data(CRASH_ROUNDS, {"from": aware}, token=admin_token)
        assert isinstance(page["crashRounds"]["edges"], list)
