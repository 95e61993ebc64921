"""Relay cursor connections over keyset pagination.

History-like lists grow without bound, so they page by key (`id < cursor`), not by
offset: the cost of a page does not depend on how deep it is.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

import strawberry
from strawberry.relay import PageInfo

from casino_club.schema.ids import MAX_BIGINT, parse_id
from casino_club.schema.permissions import BadUserInput

MAX_PAGE = 100
CURSOR_PREFIX = "cursor:"

Row = TypeVar("Row")
Node = TypeVar("Node")


@strawberry.type(description="An edge in a connection.")
class Edge(Generic[Node]):
    cursor: str
    node: Node


@strawberry.type(description="A Relay cursor connection, newest first.")
class Connection(Generic[Node]):
    edges: list[Edge[Node]]
    page_info: PageInfo


def check_first(first: int) -> int:
    if not 1 <= first <= MAX_PAGE:
        raise BadUserInput(f"first must be between 1 and {MAX_PAGE}")
    return first


def encode_cursor(key: int) -> str:
    return base64.urlsafe_b64encode(f"{CURSOR_PREFIX}{key}".encode()).decode()


MAX_CURSOR_LENGTH = len(encode_cursor(MAX_BIGINT))


def decode_cursor(cursor: str | None) -> int | None:
    """The key a cursor encodes, range-checked: it is bound into `id < :key` as a BIGINT."""
    if cursor is None:
        return None
    key = _cursor_key(cursor)
    if key is None:
        raise BadUserInput("after is not a cursor from this connection")
    return key


def _cursor_key(cursor: str) -> int | None:
    # The length bound comes first: nothing longer than our own cursors is decoded.
    if len(cursor) > MAX_CURSOR_LENGTH or not cursor.isascii():
        return None
    try:
        text = base64.b64decode(cursor, altchars=b"-_", validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError):
        return None
    if not text.startswith(CURSOR_PREFIX):
        return None
    return parse_id(text.removeprefix(CURSOR_PREFIX))


def keyset_connection(
    rows: Sequence[Row],
    first: int,
    after: str | None,
    to_node: Callable[[Row], Node],
    key: Callable[[Row], int],
) -> Connection[Node]:
    """Build a page from `rows`, which the caller fetched with `limit=first + 1`."""
    page = list(rows[:first])
    edges = [Edge(cursor=encode_cursor(key(row)), node=to_node(row)) for row in page]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(rows) > first,
            has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )
