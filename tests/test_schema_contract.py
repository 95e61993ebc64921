"""The exported SDL is the contract with frontends: it must match the live schema."""

from __future__ import annotations

import json
from pathlib import Path

from graphql import (
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    OverlappingFieldsCanBeMergedRule,
    build_schema,
    get_named_type,
    is_leaf_type,
    parse,
    validate,
)
from typer.testing import CliRunner

from casino_club.cli import app
from casino_club.schema.contract import possible_types, possible_types_text
from casino_club.schema.root import schema

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "schema.graphql"
POSSIBLE_TYPES_FILE = SCHEMA_FILE.with_name("possibleTypes.json")


def test_schema_graphql_matches_the_live_schema() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema.as_str() + "\n", (
        "schema.graphql is out of date: run `make schema` and note breaking changes in CHANGELOG.md"
    )


def test_possible_types_json_matches_the_live_schema() -> None:
    """The fragment matcher frontends import (SPEC §12.1) is held to the schema too: a
    stale one makes Apollo drop the fragments of a new union member without a word."""
    assert POSSIBLE_TYPES_FILE.read_text(encoding="utf-8") == possible_types_text(
        schema.as_str() + "\n"
    ), "possibleTypes.json is out of date: run `make schema`"


def test_export_schema_command_writes_the_same_text(tmp_path: Path) -> None:
    target = tmp_path / "schema.graphql"
    result = CliRunner().invoke(app, ["export-schema", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == SCHEMA_FILE.read_text(encoding="utf-8")
    matcher = tmp_path / "possibleTypes.json"
    assert matcher.read_text(encoding="utf-8") == POSSIBLE_TYPES_FILE.read_text(encoding="utf-8")


def test_possible_types_lists_every_union_and_interface_with_its_object_types() -> None:
    sdl = """
        interface Named { name: String! }
        interface Error { code: String! }
        type Zed implements Named & Error { name: String! code: String! }
        type Ann implements Named { name: String! }
        type Ok { id: ID! }
        union Result = Zed | Ok
        type Query { result: Result, named: Named }
    """
    found = possible_types(sdl)
    assert found == {"Error": ["Zed"], "Named": ["Ann", "Zed"], "Result": ["Ok", "Zed"]}
    assert list(found) == sorted(found)


def test_possible_types_json_names_every_abstract_type_of_the_schema() -> None:
    """Not only unions: `UserError` (an interface) is how clients read every typed error."""
    committed = json.loads(POSSIBLE_TYPES_FILE.read_text(encoding="utf-8"))
    graphql_schema = schema._schema
    abstract = {
        name
        for name, named in graphql_schema.type_map.items()
        if isinstance(named, GraphQLUnionType | GraphQLInterfaceType) and not name.startswith("__")
    }
    assert set(committed) == abstract
    assert "InsufficientFunds" in committed["UserError"]
    assert "SlotSpinSuccess" in committed["SlotSpinResult"]


def test_gold_amounts_use_the_gold_scalar() -> None:
    sdl = schema.as_str()
    assert "scalar Gold" in sdl
    assert "gold: Gold!" in sdl


# How deep below a union member the selections go: far enough to reach what members
# carry (`player { gold }`, `round { status }`), where two members' nested fields of one
# name must agree as well.
SELECTION_DEPTH = 2


def selection(graphql_schema: GraphQLSchema, named: GraphQLNamedType, depth: int) -> str:
    """Every field of a type, as a screen handling it would select them: leaves by name,
    objects' fields down to `depth`, unions and interfaces through each possible type."""
    if isinstance(named, GraphQLUnionType | GraphQLInterfaceType):
        members = graphql_schema.get_possible_types(named)
        return "__typename " + " ".join(
            f"... on {member.name} {{ {selection(graphql_schema, member, depth)} }}"
            for member in members
        )
    assert isinstance(named, GraphQLObjectType)
    fields = []
    for name, field in named.fields.items():
        inner = get_named_type(field.type)
        if is_leaf_type(inner):
            fields.append(name)
        elif depth > 0:
            fields.append(f"{name} {{ {selection(graphql_schema, inner, depth - 1)} }}")
        else:
            fields.append(f"{name} {{ __typename }}")
    return " ".join(fields)


def union_conflicts(graphql_schema: GraphQLSchema, depth: int) -> list[str]:
    """One fragment per union selecting every member's fields at once, validated by
    graphql-core's overlapping-fields rule."""
    conflicts = []
    for union in graphql_schema.type_map.values():
        if not isinstance(union, GraphQLUnionType):
            continue
        members = " ".join(
            f"... on {member.name} {{ {selection(graphql_schema, member, depth)} }}"
            for member in union.types
        )
        document = parse(f"fragment Every on {union.name} {{ __typename {members} }}")
        errors = validate(graphql_schema, document, [OverlappingFieldsCanBeMergedRule])
        conflicts += [f"{union.name}: {error.message}" for error in errors]
    return conflicts


def test_every_union_can_select_all_its_members_fields_at_once() -> None:
    """SPEC §12.1: members of one union never share a field name with different types.

    GraphQL's overlapping-fields rule refuses a query selecting `reason` on two members
    where it has two types ("Fields 'reason' conflict"): every shop screen written the
    obvious way failed. Checked here with graphql-core's own rule, for every union, and
    for what the members carry down to SELECTION_DEPTH.
    """
    assert union_conflicts(schema._schema, SELECTION_DEPTH) == []


def test_the_union_check_finds_a_conflict_below_the_members() -> None:
    """The control: two members whose `detail` objects type `value` differently conflict
    only one level down, where selecting `detail { __typename }` would never look."""
    built = build_schema("""
        type Low { value: Int! }
        type High { value: String! }
        type A { detail: Low! }
        type B { detail: High! }
        union Either = A | B
        type Query { either: Either }
    """)
    assert union_conflicts(built, 0) == []
    (conflict,) = union_conflicts(built, SELECTION_DEPTH)
    assert "value" in conflict
