"""Relay cursor connections over keyset pages (domain/pagination.py): a use case reads
one row more than the page holds, and the connection tells from it whether another
page follows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

import strawberry
from strawberry.relay import PageInfo

from casino_club.domain.pagination import Key, encode_cursor

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


def keyset_connection(
    rows: Sequence[Row],
    first: int,
    after: str | None,
    to_node: Callable[[Row], Node],
    key: Callable[[Row], Key],
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
