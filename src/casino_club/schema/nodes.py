"""`node(id)` and `nodes(ids)` (SPEC §12.1): any object by its global id
(schema/identity.py). The global id is decoded here; resolvers/nodes.py looks the
objects up and decides who may read them."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from casino_club.context import Context
from casino_club.domain.errors import BadUserInput
from casino_club.domain.ids import NodeKind, split_global_id
from casino_club.resolvers import nodes as node_cases
from casino_club.schema.permissions import optional_viewer

MALFORMED = "Not a global id this API gives out"


def decode(raw: str) -> node_cases.NodeRef:
    """The kind and key a global id names; BAD_USER_INPUT for anything else (not
    base64, no "Type:key", a type that is not a Node)."""
    split = split_global_id(raw)
    if split is None:
        raise BadUserInput(MALFORMED)
    type_name, key = split
    try:
        kind = NodeKind(type_name)
    except ValueError:
        raise BadUserInput(MALFORMED) from None
    return node_cases.NodeRef(kind, key)


async def resolve_node(
    info: Info[Context, Any],
    id: Annotated[strawberry.ID, strawberry.argument(description="A global id.")],
) -> object:
    found = await node_cases.find(info.context, await optional_viewer(info), [decode(id)])
    return found[0]


async def resolve_nodes(
    info: Info[Context, Any],
    ids: Annotated[
        list[strawberry.ID], strawberry.argument(description="Global ids, at most 100.")
    ],
) -> list[object]:
    refs = [decode(raw) for raw in ids]
    return await node_cases.find(info.context, await optional_viewer(info), refs)


NODE_FIELD = strawberry.field(
    resolver=resolve_node,
    graphql_type=relay.Node,
    description="Any object by its global id. An id that names nothing the caller may "
    "read (another player's, unknown, or malformed) is refused with BAD_USER_INPUT.",
)
NODES_FIELD = strawberry.field(
    resolver=resolve_nodes,
    graphql_type=list[relay.Node],
    description="Objects by their global ids (at most 100), in the order asked; refused "
    "with BAD_USER_INPUT as a whole if any of them names nothing the caller may read.",
)
