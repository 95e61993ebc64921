"""Introspection is answered once per schema (SPEC §13, issue 24 item 1)."""

from __future__ import annotations

from graphql import get_introspection_query

from casino_club.config import Settings
from casino_club.schema.root import build_schema

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
    profile = await schema.execute(TYPE_NAME, {"name": "Profile"})
    assert query_type.data == {"__type": {"name": "Query", "kind": "OBJECT"}}
    assert profile.data == {"__type": {"name": "Profile", "kind": "OBJECT"}}
