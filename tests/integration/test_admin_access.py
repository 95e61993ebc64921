"""Every operator field refuses a player (FORBIDDEN) and an anonymous caller
(UNAUTHENTICATED), found from the schema itself: a field added later with the IsAdmin
permission is held to this without being listed here. Each is called with arguments
valid for its types, so the refusal is the permission's and not a validation error."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    Undefined,
    get_named_type,
    is_leaf_type,
)

from casino_club.schema.permissions import IsAdmin
from casino_club.schema.root import schema
from tests.support import Api, error_codes

SCALARS: dict[str, Any] = {
    "String": "x",
    "ID": "1",
    "Int": 1,
    "Float": 1.0,
    "Boolean": False,
    "Gold": 1,
    "DateTime": "2026-01-01T00:00:00+00:00",
    "Date": "2026-01-01",
    "JSON": {},
}


def operator_fields() -> list[tuple[str, str]]:
    found = []
    for root in ("Query", "Mutation", "Subscription"):
        definition = schema.get_type_by_name(root)
        if definition is None:
            continue
        for field in definition.fields:  # type: ignore[union-attr]
            if any(issubclass(p, IsAdmin) for p in field.permission_classes):
                found.append((root, schema.config.name_converter.get_graphql_name(field)))
    return found


def sample(kind: GraphQLInputType) -> Any:
    """A value of this input type: every required field filled, optional ones left out."""
    if isinstance(kind, GraphQLNonNull):
        return sample(kind.of_type)
    if isinstance(kind, GraphQLList):
        return [sample(kind.of_type)]
    if isinstance(kind, GraphQLEnumType):
        return next(iter(kind.values))
    if isinstance(kind, GraphQLScalarType):
        return SCALARS[kind.name]
    assert isinstance(kind, GraphQLInputObjectType)
    return {
        name: sample(field.type)
        for name, field in kind.fields.items()
        if isinstance(field.type, GraphQLNonNull) and field.default_value is Undefined
    }


def operation(root: str, name: str) -> tuple[str, dict[str, Any]]:
    graphql_root = schema._schema.get_type(root)
    field = graphql_root.fields[name]  # type: ignore[union-attr]
    required = {a: arg for a, arg in field.args.items() if isinstance(arg.type, GraphQLNonNull)}
    declared = ", ".join(f"${a}: {arg.type}" for a, arg in required.items())
    passed = ", ".join(f"{a}: ${a}" for a in required)
    selection = "" if is_leaf_type(get_named_type(field.type)) else "{ __typename }"
    text = (
        f"{root.lower()}{f'({declared})' if declared else ''} "
        f"{{ {name}{f'({passed})' if passed else ''} {selection} }}"
    )
    return text, {a: sample(arg.type) for a, arg in required.items()}


FIELDS = operator_fields()


def test_the_schema_has_the_operator_fields_this_test_is_about() -> None:
    names = {name for _, name in FIELDS}
    assert {"adminUsers", "adminUser", "auditLog", "adjustGold", "grantRewards"} <= names
    # Anything named for operators carries their permission.
    for root in ("Query", "Mutation"):
        definition = schema._schema.get_type(root)
        for name in definition.fields:  # type: ignore[union-attr]
            assert not name.startswith("admin") or name in names, name


@pytest.mark.parametrize(("root", "name"), [f for f in FIELDS if f[0] != "Subscription"])
async def test_players_and_anonymous_callers_are_refused(api: Api, root: str, name: str) -> None:
    text, variables = operation(root, name)
    player = (await api.new_player())["accessToken"]
    as_player = await api.execute(text, variables, token=player)
    assert error_codes(as_player) == ["FORBIDDEN"], as_player
    assert (as_player.get("data") or {}).get(name) is None
    anonymous = await api.execute(text, variables)
    assert error_codes(anonymous) == ["UNAUTHENTICATED"], anonymous
