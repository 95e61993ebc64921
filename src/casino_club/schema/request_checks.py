"""Checks on a GraphQL request's strings and numbers before it runs (SPEC §13).

A NUL character or an unpaired surrogate cannot be stored: PostgreSQL refuses NUL in
text, and no codec encodes a lone surrogate. A number literal beyond a double's range
either reaches a resolver as `inf` (a `Float`) or makes Python refuse the conversion with
its own message (an `Int` of more than 4,300 digits). Left alone, each fails deep inside
a resolver or graphql-core as an internal error or as Python's text; refused up front,
each is the client's 400 with our message. Every check is one linear pass.
"""

from __future__ import annotations

import math
import re

from graphql import (
    GraphQLError,
    GraphQLSyntaxError,
    Lexer,
    Source,
    StringValueNode,
    TokenKind,
    ValidationRule,
)

from casino_club.domain.errors import ErrorCode

UNSTORABLE_TEXT = "Strings must be valid Unicode text without NUL characters"
NUMBER_OUT_OF_RANGE = "Number literals must be within ±1.8e308"
MALFORMED_JSON = (
    "Malformed JSON: it must be valid UTF-8 without unpaired surrogates, nest at most "
    "1,024 levels deep and hold no number beyond ±1.8e308"
)

# A surrogate code point in a Python str is always unpaired: a valid pair decodes to one
# code point above U+FFFF.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_STRING_TOKENS = (TokenKind.STRING, TokenKind.BLOCK_STRING)
_NUMBER_TOKENS = (TokenKind.INT, TokenKind.FLOAT)


def is_storable(text: str) -> bool:
    """No NUL and no unpaired surrogate."""
    return _UNSTORABLE.search(text) is None


def json_problem(value: object) -> str | None:
    """Our message when a string anywhere in a decoded JSON value (keys too) is not storable.

    Iterative, not recursive: JSON may nest 1,024 levels deep, near Python's recursion limit.
    """
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if not is_storable(item):
                return UNSTORABLE_TEXT
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return None


def document_problem(query: str, max_tokens: int) -> str | None:
    """Our message when the document holds unstorable text or a number beyond a double.

    The raw text is checked first (graphql-core accepts a raw NUL inside a string), then
    each string and number token after escapes are resolved (`"\\u0000"`, `"\\u{0}"`).
    Syntax errors and documents over `max_tokens` are left to the parser, which reports
    them with their location; stopping there keeps this pass no costlier than parsing.
    """
    if not is_storable(query):
        return UNSTORABLE_TEXT
    lexer = Lexer(Source(query))
    try:
        token = lexer.advance()
        for _ in range(max_tokens):
            if token.kind is TokenKind.EOF:
                break
            value = token.value or ""  # only punctuation has no value
            if token.kind in _STRING_TOKENS and not is_storable(value):
                return UNSTORABLE_TEXT
            if token.kind in _NUMBER_TOKENS and math.isinf(float(value)):
                return NUMBER_OUT_OF_RANGE
            token = lexer.advance()
    except GraphQLSyntaxError:
        return None
    return None


class StorableLiteralsRule(ValidationRule):
    """The document's string literals, escapes resolved, must be storable.

    Over HTTP the view refuses such a document before parsing (a 400); over WebSocket
    there is no such step, so this rule makes it a validation error on every transport
    instead of a database error inside a resolver.
    """

    def enter_string_value(self, node: StringValueNode, *_args: object) -> None:
        if not is_storable(node.value):
            self.report_error(
                GraphQLError(
                    UNSTORABLE_TEXT, node, extensions={"code": ErrorCode.BAD_USER_INPUT.value}
                )
            )
