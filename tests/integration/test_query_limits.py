"""Query limits through fragments (SPEC §12, §13): enforced, and linear in the document.

`asyncio.timeout` is a hang guard, not a stopwatch: validation runs on the event loop,
so it cannot interrupt a slow validation, but turns one that finishes after minutes
(Strawberry's limiters took about an hour on the 30-level bomb) into a failure.
"""

from __future__ import annotations

import asyncio

import pytest
import strawberry
from graphql import parse, specified_rules, validate

from casino_club.config import Settings
from casino_club.observability import Metrics
from casino_club.schema.documents import DocumentCache, limit_rules
from casino_club.schema.root import schema_extensions
from tests.query_bombs import BOMB_LEVELS, fragment_bomb
from tests.support import Api

HANG_GUARD_SECONDS = 30


@strawberry.type
class Link:
    """A recursive type: the real schema is not deep enough to exceed the depth limit."""

    @strawberry.field
    def next(self) -> Link:
        return Link()

    @strawberry.field
    def end(self) -> int:
        return 1


@strawberry.type
class LinkQuery:
    @strawberry.field
    def link(self) -> Link:
        return Link()


@pytest.fixture
def link_schema(settings: Settings) -> strawberry.Schema:
    extensions = schema_extensions(Metrics(), DocumentCache(settings))
    return strawberry.Schema(query=LinkQuery, extensions=extensions)


def link_fragments(levels: int, spreads: int = 1) -> str:
    """`L{i}` nests `next` i times above `end`, spreading `L{i-1}` `spreads` times."""
    parts = ["fragment L0 on Link { end }"]
    parts += [
        f"fragment L{i} on Link {{ next {{ {f'...L{i - 1} ' * spreads}}} }}"
        for i in range(1, levels + 1)
    ]
    return " ".join(parts)


async def test_the_fragment_bomb_is_answered_at_once(api: Api) -> None:
    """No alias, no nesting: within the limits, and the executor follows a fragment once."""
    async with asyncio.timeout(HANG_GUARD_SECONDS):
        body = await api.execute(fragment_bomb())
    assert body == {"data": {"__typename": "Query"}}


async def test_the_aliased_fragment_bomb_is_refused(api: Api) -> None:
    async with asyncio.timeout(HANG_GUARD_SECONDS):
        body = await api.execute(fragment_bomb(first="a: __typename"))
    assert body["data"] is None
    expected = f"{2 ** (BOMB_LEVELS - 1)} aliases found. Allowed: 15"
    assert [error["message"] for error in body["errors"]] == [expected]


async def test_the_nested_fragment_bomb_is_refused(link_schema: strawberry.Schema) -> None:
    query = (
        link_fragments(BOMB_LEVELS, spreads=2) + f" query Bomb {{ link {{ ...L{BOMB_LEVELS} }} }}"
    )
    async with asyncio.timeout(HANG_GUARD_SECONDS):
        result = await link_schema.execute(query)
    assert result.data is None
    assert result.errors is not None
    assert [error.message for error in result.errors] == [
        "'Bomb' exceeds maximum operation depth of 10"
    ]


async def test_depth_is_counted_through_fragments(link_schema: strawberry.Schema) -> None:
    """`link` is one level and every fragment adds one `next`: L9 reaches 10, L10 is 11."""
    within = await link_schema.execute(link_fragments(9) + " query { link { ...L9 } }")
    assert within.errors is None
    too_deep = await link_schema.execute(link_fragments(10) + " query { link { ...L10 } }")
    assert too_deep.errors is not None
    assert [error.message for error in too_deep.errors] == [
        "'anonymous' exceeds maximum operation depth of 10"
    ]


async def test_introspection_fields_do_not_count_towards_depth(api: Api) -> None:
    """GraphiQL's introspection query nests `ofType` far deeper than 10 levels."""
    of_type = "ofType { " * 12 + "name" + " }" * 12
    fragment = f"fragment Deep on __Type {{ name {of_type} }}"
    data = await api.data(f'{fragment} query {{ __type(name: "Query") {{ ...Deep }} }}')
    assert data["__type"]["name"] == "Query"


async def test_aliases_are_counted_per_spread(api: Api) -> None:
    """Two aliases spread three times (once directly, twice via `Twice`) are six."""
    fragments = (
        "fragment Two on Query { a: __typename b: __typename } "
        "fragment Twice on Query { ...Two ...Two }"
    )

    def query(direct_aliases: int) -> str:
        direct = " ".join(f"d{i}: __typename" for i in range(direct_aliases))
        return f"{fragments} query {{ ...Two ...Twice {direct} }}"

    assert (await api.data(query(9)))["a"] == "Query"
    body = await api.execute(query(10))
    assert [error["message"] for error in body["errors"]] == ["16 aliases found. Allowed: 15"]


async def test_fragment_cycles_are_reported_not_followed(link_schema: strawberry.Schema) -> None:
    query = (
        "fragment A on Link { next { ...B } } fragment B on Link { next { ...A } } "
        "query { link { ...A } }"
    )
    async with asyncio.timeout(HANG_GUARD_SECONDS):
        result = await link_schema.execute(query)
    assert result.errors is not None
    assert "Cannot spread fragment 'A' within itself via 'B'." in [
        error.message for error in result.errors
    ]


def test_the_rules_do_not_recurse(link_schema: strawberry.Schema, settings: Settings) -> None:
    """A fragment chain far longer than Python's recursion limit (no token limit here).

    graphql-core's own rules then abort the validation; ours must have reported first.
    """
    levels = 5000
    document = parse(link_fragments(levels) + f" query Long {{ link {{ ...L{levels} }} }}")
    rules = [*specified_rules, *limit_rules(settings)]
    messages = [error.message for error in validate(link_schema._schema, document, rules)]
    assert messages[0] == "'Long' exceeds maximum operation depth of 10"


async def test_an_empty_selection_set_is_measured(api: Api) -> None:
    """graphql-core 3.3 parses `{ }`; Strawberry's depth limiter failed on it (`max()`)."""
    data = await api.data('{ validateInviteCode(code: "5858") { } }')
    assert data == {"validateInviteCode": {}}
