"""Relay cursor connections over keyset pagination.

History-like lists grow without bound, so they page by key (`id < cursor`), not by
offset: the cost of a page does not depend on how deep it is. The keys, their cursors
and the page size are the domain's (domain/pagination.py), which use cases share; here
a page of rows becomes a connection.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

import strawberry
from strawberry.relay import PageInfo

from casino_club.domain.pagination import Key, encode_cursor

# The arguments of every connection field, described once.
FIRST = strawberry.argument(description="Items in this page: 1–100.")
AFTER = strawberry.argument(
    description="A cursor from the previous page (pageInfo.endCursor); null for the first page."
)

Row = TypeVar("Row")
Node = TypeVar("Node")


@strawberry.type(description="An edge in a connection.")
class Edge(Generic[Node]):
    cursor: str = strawberry.field(
        description="Opaque: pass it as `after` to get the items that follow this one."
    )
    node: Node = strawberry.field(description="The item.")


@strawberry.type(description="A Relay cursor connection, newest first.")
class Connection(Generic[Node]):
    edges: list[Edge[Node]] = strawberry.field(
        description="At most `first` items, newest first; empty past the end."
    )
    page_info: PageInfo = strawberry.field(
        description="`hasNextPage` and `endCursor` fetch the next page (`after: endCursor`)."
    )


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
