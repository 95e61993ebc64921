"""The exported SDL is the contract with frontends: it must match the live schema."""

from __future__ import annotations

from pathlib import Path

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
