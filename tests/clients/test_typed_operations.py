"""A frontend's first build (SPEC §12.1): the operations it sends, typed by GraphQL Code
Generator from `schema.graphql`, compile under `tsc --strict`.

clients/operations/ holds the getting-started page's examples and the main flows (sign-up,
login, me, every game's result union read through `... on UserError`, the shop, the live balance,
leaderboards, missions); clients/src/usage.ts uses their types as screens would. A schema
change that removes or retypes what they select fails here, before a frontend finds out.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from graphql import parse, validate

from casino_club.schema.root import schema
from tests.clients import node

ROOT = Path(__file__).resolve().parents[2]


def test_operations_generate_and_compile_under_strict_typescript() -> None:
    started = time.monotonic()
    node.prepare()
    generated = (node.CLIENTS_DIR / "src" / "generated" / "operations.ts").read_text()
    # Spot checks that the mapping in codegen.yml is the one applied.
    assert "gold: number" in generated
    assert "export type SlotSpinMutation = " in generated
    assert "export type BalanceChangedSubscription = " in generated
    node.typecheck()
    print(f"npm ci (when stale) + codegen + tsc: {time.monotonic() - started:.1f} s")


def test_the_check_fails_on_a_field_the_schema_lacks_or_a_wrong_type(tmp_path: Path) -> None:
    """The check is not vacuous: codegen refuses an unknown field, tsc a misread union."""
    node.prepare()
    bad_operation = tmp_path / "bad.graphql"
    bad_operation.write_text("query Bad { me { id goldenTicket } }\n")
    config = tmp_path / "codegen.yml"
    config.write_text(
        f"schema: {node.CLIENTS_DIR.parent / 'schema.graphql'}\n"
        f"documents: {bad_operation}\n"
        f"generates:\n  {tmp_path / 'bad.ts'}:\n    plugins: [typescript-operations]\n"
    )
    with pytest.raises(pytest.fail.Exception, match="goldenTicket"):
        node.run([str(node.BIN / "graphql-codegen"), "--config", str(config)])

    misuse = node.CLIENTS_DIR / "src" / "generated" / "misuse.ts"
    misuse.write_text(
        'import type { SlotSpinMutation } from "./operations.js";\n'
        "// Not every member of the union has a payout: this must not compile.\n"
        'export const payout = (r: SlotSpinMutation["slotSpin"]): number => r.payout;\n'
    )
    try:
        with pytest.raises(pytest.fail.Exception, match="payout"):
            node.typecheck()
    finally:
        misuse.unlink()


def documented_graphql_blocks() -> list[str]:
    """Every ```graphql block of README.md and docs/."""
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    return [
        block
        for page in pages
        for block in re.findall(r"```graphql\n(.*?)```", page.read_text(encoding="utf-8"), re.S)
    ]


def test_the_documented_graphql_examples_are_valid_against_the_schema() -> None:
    """What a developer pastes into GraphiQL first must work (clients/operations/readme.graphql
    holds docs/getting-started.md's examples, named, for the typed check; that page's test
    runs them against a server)."""
    blocks = documented_graphql_blocks()
    assert len(blocks) >= 4
    problems = [
        f"{block.strip()[:60]}…: {error.message}"
        for block in blocks
        for error in validate(schema._schema, parse(block))
    ]
    assert problems == []
