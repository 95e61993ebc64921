"""Global ids on types (SPEC §12.1): every object with an identity implements Relay's
`Node` (`id: ID!`, base64 of "TypeName:key", strawberry.relay's encoding).

A type keyed by its row id declares `id: relay.NodeID[int]`; one keyed by text (a sku,
a code) takes a mixin below, which reads the key. A field that names another object
(`roundId`, `userId`) answers that object's global id (`reference`), and an argument
that takes one is decoded with `domain.ids.parse_node_id`: the id a client was given is
the id it sends back.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from casino_club.context import Context
from casino_club.domain.ids import NodeKind, global_id
from casino_club.domain.profiles import Profile
from casino_club.resolvers import users as user_cases
from casino_club.schema.permissions import require_viewer


class KeyedBySku:
    """A Node whose key is its sku."""

    @classmethod
    def resolve_id(cls, root: Any, *, info: Info[Any, Any]) -> str:
        return str(root.sku)


class KeyedByCode:
    """A Node whose key is its code."""

    @classmethod
    def resolve_id(cls, root: Any, *, info: Info[Any, Any]) -> str:
        return str(root.code)


def reference(kind: NodeKind, attribute: str, *, description: str) -> Any:
    """A field answering the global id of the `kind` object whose key the value holds in
    `attribute`, or null when it holds none."""

    def resolve(root: strawberry.Parent[Any]) -> strawberry.ID | None:
        key = getattr(root, attribute)
        return None if key is None else strawberry.ID(global_id(kind, key))

    return strawberry.field(resolver=resolve, description=description)


def required_reference(kind: NodeKind, attribute: str, *, description: str) -> Any:
    """`reference`, for a value that always holds the key."""

    def resolve(root: strawberry.Parent[Any]) -> strawberry.ID:
        return strawberry.ID(global_id(kind, getattr(root, attribute)))

    return strawberry.field(resolver=resolve, description=description)


# The Player type, named lazily: the type modules that return a player are imported by
# the one that defines it.
LazyPlayer = Annotated["Player", strawberry.lazy("casino_club.schema.users")]  # type: ignore[name-defined]  # noqa: F821


def player(*, description: str, attribute: str | None = None) -> Any:
    """A `player: Player!` field: the player a change was made to, read as they are now
    (after it), so a normalized cache updates that player (their gold, their level)
    without a refetch. `attribute` (a dotted path) holds the player's id on the value;
    without it, the player is the caller, for whom the mutation acted (a bet, a claim)."""

    async def resolve(info: Info[Context, Any], root: strawberry.Parent[Any]) -> Profile:
        if attribute is None:
            owner = (await require_viewer(info)).id
        else:
            owner = root
            for name in attribute.split("."):
                owner = getattr(owner, name)
        return await user_cases.fresh_profile(info.context, int(owner))

    return strawberry.field(resolver=resolve, graphql_type=LazyPlayer, description=description)
