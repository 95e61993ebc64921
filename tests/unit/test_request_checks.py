"""Checks on request text, cursors and row ids, without the server (SPEC §13)."""

from __future__ import annotations

import base64

import pytest
from graphql import parse, validate

from casino_club.domain.errors import BadUserInput
from casino_club.domain.ids import MAX_BIGINT, parse_id
from casino_club.domain.pagination import decode_cursor, decode_keyset, encode_cursor
from casino_club.schema.request_checks import (
    NUMBER_OUT_OF_RANGE,
    UNSTORABLE_TEXT,
    StorableLiteralsRule,
    document_problem,
    json_problem,
)
from casino_club.schema.root import schema

MAX_TOKENS = 2000


@pytest.mark.parametrize(
    "value",
    [
        "a\x00b",
        "\ud800",
        "low \udfff alone",
        {"input": {"siteId": "ok", "password": "nul\x00"}},
        {"key\x00": 1},
        [[[["\ud800"]]]],
    ],
)
def test_unstorable_strings_anywhere_in_json_are_found(value: object) -> None:
    assert json_problem(value) == UNSTORABLE_TEXT


def test_ordinary_json_passes_and_deep_nesting_does_not_recurse() -> None:
    assert json_problem({"a": ["ünïcødé 😀", 1, 2.5, None, True, {"b": "中文"}]}) is None
    deep: object = "x"
    for _ in range(5000):  # deeper than the recursion limit
        deep = [deep]
    assert json_problem(deep) is None


@pytest.mark.parametrize(
    "query",
    [
        '{ validateInviteCode(code: "\\u0000") { valid } }',
        '{ validateInviteCode(code: "\\u{0}") { valid } }',
        '{ validateInviteCode(code: "\x00") { valid } }',  # graphql-core accepts a raw NUL
        '{ validateInviteCode(code: """a\x00b""") { valid } }',
        "{ __typename } # \x00 in a comment",
    ],
)
def test_nul_in_the_document_is_found(query: str) -> None:
    assert document_problem(query, MAX_TOKENS) == UNSTORABLE_TEXT


@pytest.mark.parametrize(
    "literal", ["9" * 5000, "-" + "9" * 400, "1e999", "1." + "9" * 400 + "e308"]
)
def test_numbers_beyond_a_double_in_the_document_are_found(literal: str) -> None:
    query = f"{{ me {{ history(first: {literal}) {{ edges {{ cursor }} }} }} }}"
    assert document_problem(query, MAX_TOKENS) == NUMBER_OUT_OF_RANGE


@pytest.mark.parametrize(
    "query",
    [
        '{ validateInviteCode(code: "5858 \\u00e9 \\ud83d\\ude00") { valid } }',
        "{ me { history(first: " + "9" * 300 + ") { edges { cursor } } } }",
        '{ a(x: "\\ud800") }',  # a syntax error: the parser reports it
        "{ unclosed",
    ],
)
def test_other_documents_are_left_to_the_parser(query: str) -> None:
    assert document_problem(query, MAX_TOKENS) is None


def test_lexing_stops_at_the_token_limit() -> None:
    query = "{ a " * 10 + '"\\u0000"'
    assert document_problem(query, 5) is None
    assert document_problem(query, 50) == UNSTORABLE_TEXT


def cursor_of(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


def test_cursors_round_trip_over_the_whole_bigint_range() -> None:
    for key in (1, 12345, MAX_BIGINT):
        assert decode_cursor(encode_cursor(key)) == key
    assert decode_cursor(None) is None


def test_a_sorted_lists_cursor_holds_its_sort_value_then_the_id() -> None:
    for key in ((0, 1), (-MAX_BIGINT, 7), (MAX_BIGINT, MAX_BIGINT), (-5, 12)):
        assert decode_keyset(encode_cursor(key), parts=2) == key
    assert decode_keyset(None, parts=2) is None


@pytest.mark.parametrize(
    "cursor",
    [
        encode_cursor(12),  # one part where two are expected
        encode_cursor((1, 0)),  # the id ends the key and is positive
        encode_cursor((MAX_BIGINT + 1, 1)),
        cursor_of("cursor:1:2:3"),
        cursor_of("cursor:-0x1:2"),
        cursor_of("cursor:01:2"),
        cursor_of("cursor::2"),
        cursor_of("cursor:--1:2"),
    ],
)
def test_foreign_sorted_cursors_are_bad_user_input(cursor: str) -> None:
    with pytest.raises(BadUserInput, match="not a cursor from this connection"):
        decode_keyset(cursor, parts=2)


@pytest.mark.parametrize(
    "cursor",
    [
        encode_cursor(MAX_BIGINT + 1),
        cursor_of("cursor:" + "9" * 30),
        cursor_of("cursor:" + "9" * 5000),
        encode_cursor(0),
        encode_cursor(-1),
        cursor_of("cursor:１２"),
        cursor_of("cursor: 12"),
        cursor_of("cursor:1_2"),
        cursor_of("cursor:012"),
        cursor_of("other:12"),
        encode_cursor(12)[:-2],
        "\ud800",
        "\x00",
        "",
        "A" * 10_000,
    ],
)
def test_foreign_or_out_of_range_cursors_are_bad_user_input(cursor: str) -> None:
    with pytest.raises(BadUserInput, match="not a cursor from this connection"):
        decode_cursor(cursor)


def test_row_ids_are_positive_bigints_in_ascii_digits() -> None:
    assert parse_id("1") == 1
    assert parse_id(str(MAX_BIGINT)) == MAX_BIGINT
    for raw in (str(MAX_BIGINT + 1), "9" * 5000, "0", "-1", "０１", "١", " 1", "1_0", "01", ""):
        assert parse_id(raw) is None


def test_the_literals_rule_refuses_unstorable_escapes_on_every_transport() -> None:
    """Over WebSocket no view checks the document first: validation does."""
    graphql_schema = schema._schema
    bad = parse('{ validateInviteCode(code: "a\\u0000b") { valid } }')
    errors = validate(graphql_schema, bad, [StorableLiteralsRule])
    assert [error.extensions for error in errors] == [{"code": "BAD_USER_INPUT"}]
    good = parse('{ validateInviteCode(code: "5858 é 🍒") { valid } }')
    assert validate(graphql_schema, good, [StorableLiteralsRule]) == []
