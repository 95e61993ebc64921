"""Which GraphQL type publishes which use-case outcome: the one registry.

Use cases answer in plain values (frozen dataclasses, `domain/`). A GraphQL type marked
`@presents(Value)` publishes that value as it is: its fields read the value's attributes
of the same name, so there is no copy to keep in step. A result union then resolves a
value to its member through this registry (`is_type_of`), and a value no type presents
fails loudly rather than being sent as some other type.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar, Union

import strawberry
from graphql import GraphQLResolveInfo

from casino_club.domain.refusals import BET_REFUSALS, InvalidStake

T = TypeVar("T", bound=type)

# Value type -> the GraphQL type that publishes it.
PRESENTED: dict[type, type] = {}


def presents(*values: type, described: bool = False) -> Callable[[T], T]:
    """Mark a Strawberry type (decorate above `@strawberry.type`) as publishing `values`.

    `described`: the type's GraphQL description is the value's docstring (white space
    folded), so a text clients read and the code's own is written once, in domain/."""

    def mark(graphql_type: T) -> T:
        for value in values:
            if value in PRESENTED:
                raise TypeError(f"{value.__name__} is already presented by {PRESENTED[value]}")
            PRESENTED[value] = graphql_type
        definition = graphql_type.__strawberry_definition__  # type: ignore[attr-defined]
        if described:
            if definition.description is not None:
                raise TypeError(f"{graphql_type.__name__}: a description, or described")
            definition.description = _docstring(*values)

        def is_type_of(obj: Any, _info: GraphQLResolveInfo[Any]) -> bool:
            return type(obj) in values or isinstance(obj, graphql_type)

        definition.is_type_of = is_type_of
        return graphql_type

    return mark


def _docstring(value: type, *others: type) -> str:
    doc = value.__doc__ or ""
    # A dataclass with no docstring gets its signature as one: never a description.
    if others or not doc or doc.startswith(f"{value.__name__}("):
        raise TypeError(f"described: {value.__name__} needs a docstring, and to be the only value")
    return " ".join(doc.split())


def graphql_type_of(value: type) -> type:
    return PRESENTED[value]


def bet_result(name: str, *members: type, description: str, staked: bool = True) -> Any:
    """A game's result union: its own members, then every refusal a bet can answer
    (`domain.refusals.BET_REFUSALS`; without InvalidStake for a game with no stake)."""
    refusals = [graphql_type_of(r) for r in BET_REFUSALS if staked or r is not InvalidStake]
    description += " Every other member is a refusal (a UserError): nothing was charged."
    return Annotated[Union[(*members, *refusals)], strawberry.union(name, description=description)]
