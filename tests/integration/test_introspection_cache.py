"""Introspection is answered once per schema (SPEC §13, issue 24 item 1)."""

from __future__ import annotations

from graphql import get_introspection_query

from casino_club.config import Settings
from casino_club.schema.root import build_schema
from tests.conftest import Backend, api_for, running_app
from tests.support import error_codes

TYPE_NAME = "query T($name: String!) { __type(name: $name) { name kind } }"


async def test_the_introspection_query_is_executed_once(settings: Settings) -> None:
    schema = build_schema(settings)
    query = get_introspection_query(descriptions=True)
    first = await schema.execute(query)
    again = await schema.execute(query)
    assert first.errors is None
    assert first.data is not None and first.data["__schema"]["queryType"]["name"] == "Query"
    assert again.data is first.data  # the same answer, not executed anew


async def test_answers_are_kept_per_variables(
    settings: Settings,
) -> None:
    schema = build_schema(settings)
    query_type = await schema.execute(TYPE_NAME, {"name": "Query"})
    profile = await schema.execute(TYPE_NAME, {"name": "Player"})
    assert query_type.data == {"__type": {"name": "Query", "kind": "OBJECT"}}
    assert profile.data == {"__type": {"name": "Player", "kind": "OBJECT"}}


async def test_a_caller_missing_the_cache_on_purpose_is_refused(backend: Backend) -> None:
    """The same query with one space more misses the cache and costs ~100 ms of CPU: a
    caller doing that on purpose gets a few misses a minute, then RATE_LIMITED; what is
    cached still answers, and other callers keep their own allowance."""
    query = get_introspection_query(descriptions=True)
    settings = backend.settings(graphql_introspection_misses_per_minute=3)
    async with running_app(settings) as application, api_for(application) as api:
        answers = [await api.execute(query + " " * spaces) for spaces in range(4)]
        assert [error_codes(body) for body in answers] == [[], [], [], ["RATE_LIMITED"]]
        assert answers[3]["data"] is None
        assert answers[0]["data"]["__schema"]["queryType"]["name"] == "Query"
        cached = await api.execute(query + " ")
        assert error_codes(cached) == []
        player = (await api.new_player())["accessToken"]
        own = await api.execute(query + " " * 5, token=player)
        assert error_codes(own) == []
        pings = [await api.execute("{ __typename }" + " " * spaces) for spaces in range(4)]
        assert [body["data"] for body in pings] == [{"__typename": "Query"}] * 4


async def test_introspection_beside_other_fields_is_charged_too(backend: Backend) -> None:
    """An operation selecting `__schema` beside an ordinary field is not cached (its
    answer is not static): each such request executes the introspection anew, so each is
    charged as a miss, or one field more would undo the bound."""
    query = get_introspection_query(descriptions=True).replace(
        "__schema {", "slotsConfig { minStake } __schema {", 1
    )
    settings = backend.settings(graphql_introspection_misses_per_minute=3)
    async with running_app(settings) as application, api_for(application) as api:
        # A player of their own: the session's Redis keeps other tests' counts by address.
        player = (await api.new_player())["accessToken"]
        answers = [await api.execute(query, token=player) for _ in range(4)]
        assert [error_codes(body) for body in answers] == [[], [], [], ["RATE_LIMITED"]]
        assert answers[0]["data"]["slotsConfig"]["minStake"] is not None
        assert answers[3]["data"] is None
        ordinary = await api.execute("{ slotsConfig { minStake } }", token=player)
        assert error_codes(ordinary) == []


def described(times: int) -> str:
    """An operation describing the schema `times` over, each under an alias of its own."""
    return (
        "{ " + " ".join(f"s{n}: __schema {{ queryType {{ name }} }}" for n in range(times)) + " }"
    )


async def test_each_description_of_the_schema_is_charged(backend: Backend) -> None:
    """One request with `__schema` under fifteen aliases executes the introspection
    fifteen times: charged as one miss, it multiplied the bound by the alias limit."""
    settings = backend.settings(graphql_introspection_misses_per_minute=3)
    async with running_app(settings) as application, api_for(application) as api:
        over, within = [(await api.new_player())["accessToken"] for _ in range(2)]
        refused = await api.execute(described(4), token=over)
        assert error_codes(refused) == ["RATE_LIMITED"]
        assert refused["data"] is None
        answered = await api.execute(described(3), token=within)
        assert error_codes(answered) == []
        assert answered["data"]["s2"] == {"queryType": {"name": "Query"}}
