"""Use cases answer in values; the schema publishes each through one registry.

These hold the registry to what the schema needs: every member of every result union
(and every `UserError`) publishes a registered domain value, so a use case's answer
always finds its GraphQL type, and every error code a client can read is an `ErrorCode`.
"""

from __future__ import annotations

import dataclasses

from graphql import GraphQLEnumType, GraphQLObjectType, GraphQLUnionType

from casino_club.domain.errors import ErrorCode
from casino_club.schema.outcomes import PRESENTED
from casino_club.schema.root import schema

DEFINITION = "strawberry-definition"


def _origin(graphql_type: GraphQLObjectType) -> type:
    return graphql_type.extensions[DEFINITION].origin  # type: ignore[no-any-return]


def test_every_union_member_publishes_a_registered_value() -> None:
    published = set(PRESENTED.values())
    unions = [t for t in schema._schema.type_map.values() if isinstance(t, GraphQLUnionType)]
    assert unions
    missing = sorted(
        f"{union.name}.{member.name}"
        for union in unions
        for member in union.types
        if _origin(member) not in published
    )
    assert missing == []


def test_registered_values_are_frozen_dataclasses_and_refusals_say_why() -> None:
    for value in PRESENTED:
        assert dataclasses.is_dataclass(value), value
        assert value.__dataclass_params__.frozen, value  # type: ignore[attr-defined]
        code = getattr(value, "code", None)
        if isinstance(code, ErrorCode):
            assert isinstance(getattr(value, "message", None), property), value


def test_every_user_error_code_is_an_error_code() -> None:
    enum = schema._schema.type_map["ErrorCode"]
    assert isinstance(enum, GraphQLEnumType)
    assert set(enum.values) == {code.value for code in ErrorCode}
    user_error = schema._schema.type_map["UserError"]
    implementing = schema._schema.get_implementations(user_error).objects  # type: ignore[arg-type]
    assert implementing
    for graphql_type in implementing:
        value = next(v for v, t in PRESENTED.items() if t is _origin(graphql_type))
        assert isinstance(value.code, ErrorCode), graphql_type.name  # type: ignore[attr-defined]
