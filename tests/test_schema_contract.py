"""The exported SDL is the contract with frontends: it must match the live schema."""

from __future__ import annotations

from pathlib import Path

from graphql import (
    GraphQLObjectType,
    GraphQLUnionType,
    OverlappingFieldsCanBeMergedRule,
    get_named_type,
    is_leaf_type,
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
