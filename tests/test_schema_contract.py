"""The exported SDL is the contract with frontends: it must match the live schema."""

from __future__ import annotations

import json
from pathlib import Path

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    OverlappingFieldsCanBeMergedRule,
    build_schema,
    get_named_type,
    is_leaf_type,
    is_specified_scalar_type,
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


# Custom scalars whose form no public specification states: their description is the
# specification (SPEC §12.1: "@specifiedBy or a description of their exact form").
UNSPECIFIED_SCALARS = {"Gold"}


def undocumented(graphql_schema: GraphQLSchema) -> list[str]:
    """Every named part of the schema a client reads without a description."""
    missing = []
    for name, named in graphql_schema.type_map.items():
        if name.startswith("__") or is_specified_scalar_type(named):
            continue
        if not (named.description or "").strip():
            missing.append(f"type {name}")
        if (
            isinstance(named, GraphQLScalarType)
            and not named.specified_by_url
            and name not in UNSPECIFIED_SCALARS
        ):
            missing.append(f"@specifiedBy of scalar {name}")
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in named.fields.items():
                if not (field.description or "").strip():
                    missing.append(f"field {name}.{field_name}")
                missing += [
                    f"argument {name}.{field_name}({arg_name})"
                    for arg_name, arg in field.args.items()
                    if not (arg.description or "").strip()
                ]
        if isinstance(named, GraphQLInputObjectType):
            missing += [
                f"input field {name}.{field_name}"
                for field_name, field in named.fields.items()
                if not (field.description or "").strip()
            ]
        if isinstance(named, GraphQLEnumType):
            missing += [
                f"enum value {name}.{value_name}"
                for value_name, value in named.values.items()
                if not (value.description or "").strip()
            ]
    return missing


def test_every_part_of_the_schema_is_described() -> None:
    """SPEC §12.1: every type, field, argument, input field, enum value and union has a
    description, and every custom scalar a @specifiedBy (or, with none to point at, a
    description of its exact form). Walks the live schema, not the exported file."""
    assert undocumented(schema._schema) == []


def test_the_description_check_sees_what_is_missing() -> None:
    """The walk above finds a gap of each kind: it cannot pass by seeing nothing."""
    sdl = """
        scalar Unspecified
        enum Colour { RED }
        union Either = Thing
        input Filter { colour: Colour }
        interface Named { name: String }
        type Thing implements Named { name(style: Filter): String }
        type Query { thing: Thing, either: Either }
    """
    assert sorted(undocumented(build_schema(sdl))) == sorted(
        [
            "type Unspecified",
            "@specifiedBy of scalar Unspecified",
            "type Colour",
            "enum value Colour.RED",
            "type Either",
            "type Filter",
            "input field Filter.colour",
            "type Named",
            "field Named.name",
            "type Thing",
            "field Thing.name",
            "argument Thing.name(style)",
            "type Query",
            "field Query.thing",
            "field Query.either",
        ]
    )


def test_scalars_state_their_exact_form() -> None:
    """Date and DateTime point at RFC 3339; Gold, with no specification to point at,
    states its range and both accepted forms."""
    graphql_schema = schema._schema
    for name in ("Date", "DateTime"):
        scalar = graphql_schema.type_map[name]
        assert isinstance(scalar, GraphQLScalarType)
        assert (
            scalar.specified_by_url == "https://datatracker.ietf.org/doc/html/rfc3339#section-5.6"
        )
        assert "RFC 3339" in (scalar.description or "")
    gold = graphql_schema.type_map["Gold"]
    assert isinstance(gold, GraphQLScalarType)
    assert "9007199254740991" in (gold.description or "")
    assert "string" in (gold.description or "")
