"""The files a frontend builds against, derived from the SDL: `schema.graphql` and
`possibleTypes.json`.

Normalized caches (Apollo's `InMemoryCache`, urql's graphcache) cannot tell on their own
which object types a union or interface may hold: without the map, Apollo drops every
`... on UserError { code message }` it is given, silently. The map is computed from the
exported SDL itself, so the two files cannot disagree.
"""

from __future__ import annotations

import json

from graphql import GraphQLInterfaceType, GraphQLUnionType, build_schema


def possible_types(sdl: str) -> dict[str, list[str]]:
    """Every union and interface, with the object types it may be, both sorted by name."""
    built = build_schema(sdl)
    return {
        name: sorted(member.name for member in built.get_possible_types(abstract))
        for name, abstract in sorted(built.type_map.items())
        if isinstance(abstract, GraphQLUnionType | GraphQLInterfaceType)
        and not name.startswith("__")
    }


def possible_types_text(sdl: str) -> str:
    """`possibleTypes.json` as committed: stable (sorted, indented) so diffs read well."""
    return json.dumps(possible_types(sdl), indent=2, ensure_ascii=False) + "\n"
