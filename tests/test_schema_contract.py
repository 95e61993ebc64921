"""The exported SDL is the contract with frontends: it must match the live schema."""

from __future__ import annotations

from pathlib import Path

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
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
from casino_club.schema.root import schema

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "schema.graphql"


def test_schema_graphql_matches_the_live_schema() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema.as_str() + "\n", (
        "schema.graphql is out of date: run `make schema` and note breaking changes in CHANGELOG.md"
    )


def test_export_schema_command_writes_the_same_text(tmp_path: Path) -> None:
    target = tmp_path / "schema.graphql"
    result = CliRunner().invoke(app, ["export-schema", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == SCHEMA_FILE.read_text(encoding="utf-8")


def test_gold_amounts_use_the_gold_scalar() -> None:
    sdl = schema.as_str()
    assert "scalar Gold" in sdl
    assert "gold: Gold!" in sdl


def member_selection(member: GraphQLObjectType) -> str:
    """Every field of a union member, as a client handling that member would select it."""
    fields = []
    for name, field in member.fields.items():
        leaf = is_leaf_type(get_named_type(field.type))
        fields.append(name if leaf else f"{name} {{ __typename }}")
    return f"... on {member.name} {{ {' '.join(fields)} }}"


def test_every_union_can_select_all_its_members_fields_at_once() -> None:
    """SPEC §12.1: members of one union never share a field name with different types.

    GraphQL's overlapping-fields rule refuses a query selecting `reason` on two members
    where it has two types ("Fields 'reason' conflict"): every shop screen written the
    obvious way failed. Checked here with graphql-core's own rule, for every union.
    """
    graphql_schema = schema._schema
    conflicts = []
    for union in graphql_schema.type_map.values():
        if not isinstance(union, GraphQLUnionType):
            continue
        selections = " ".join(member_selection(member) for member in union.types)
        document = parse(f"fragment Every on {union.name} {{ __typename {selections} }}")
        errors = validate(graphql_schema, document, [OverlappingFieldsCanBeMergedRule])
        conflicts += [f"{union.name}: {error.message}" for error in errors]
    assert conflicts == []


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
