"""Query depth and alias limits as validation rules that cost time linear in the document.

Strawberry's `QueryDepthLimiter` and `MaxAliasesLimiter` walk a fragment again at every
spread of it: 30 fragments, each spreading the previous one twice, make 2^29 walks
from under 1 KB of text, and validation runs on the event loop (SPEC §13, §15). These
rules measure every definition once, then combine the fragments' measures in dependency
order, so a spread costs one lookup. They keep the limiters' semantics and messages:

- depth counts the fields that have a selection set, nested; spreads and inline
  fragments add nothing, introspection fields (`__schema`, `__type`, …) are not
  counted, nor is anything below them;
- aliases are counted over all operations of the document, a fragment's as often as
  it is spread.

Walks use explicit stacks, never recursion, so no nesting reaches Python's recursion
limit. A spread that closes a fragment cycle counts as nothing: the cycle itself is
reported by graphql-core's `NoFragmentCyclesRule`, these rules only have to stop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
)
from graphql.language import SKIP, VisitorAction
from strawberry.extensions.utils import is_introspection_key

from casino_club.domain.errors import ErrorCode

# An alias count at least this large is reported without its digits: the count grows
# exponentially with the document and may exceed what `str(int)` agrees to format.
HUGE_COUNT = 10**12


def too_complex() -> dict[str, object]:
    """Over a limit a client can only ask for less: the code says so (SPEC §12.1). A dict
    of its own per error, as an error's extensions may be added to."""
    return {"code": ErrorCode.QUERY_TOO_COMPLEX.value}


@dataclass(frozen=True)
class Measure:
    """One definition's selections, measured without following its spreads.

    `own` is the measure of its own selections; each spread is listed with the offset
    at which the spread fragment's measure applies (its nesting level, for depth).
    """

    own: int
    spreads: tuple[tuple[str, int], ...]


Measurer = Callable[[FragmentDefinitionNode], Measure]
Combiner = Callable[[Measure, Mapping[str, int]], int]


def fragment_values(
    fragments: Mapping[str, FragmentDefinitionNode], measure: Measurer, combine: Combiner
) -> dict[str, int]:
    """Every fragment's full value, each computed once after the fragments it spreads.

    A depth-first walk over the spreads with an explicit stack; every spread is looked
    at once. A fragment still on the walk's path when it is spread again closes a
    cycle: it has no value yet, and `combine` counts a missing value as nothing.
    """
    measures = {name: measure(fragment) for name, fragment in fragments.items()}
    values: dict[str, int] = {}
    for root in measures:
        if root in values:
            continue
        path: list[tuple[str, Iterator[tuple[str, int]]]] = [(root, iter(measures[root].spreads))]
        on_path = {root}
        while path:
            name, spreads = path[-1]
            for spread, _offset in spreads:
                if spread in measures and spread not in values and spread not in on_path:
                    path.append((spread, iter(measures[spread].spreads)))
                    on_path.add(spread)
                    break
            else:
                path.pop()
                on_path.remove(name)
                values[name] = combine(measures[name], values)
    return values


def fragments_of(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    """Fragments by name; a duplicate name is the UniqueFragmentNames rule's to report."""
    return {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }


def operations_of(document: DocumentNode) -> list[OperationDefinitionNode]:
    return [
        definition
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode)
    ]


def nesting(selection_set: SelectionSetNode) -> Measure:
    """The deepest chain of counted fields, and each spread with the level it sits at."""
    deepest = 0
    spreads: list[tuple[str, int]] = []
    stack = [(selection_set, 0)]
    while stack:
        current, level = stack.pop()
        for selection in current.selections:
            if isinstance(selection, FieldNode):
                if selection.selection_set is not None and not is_introspection_key(
                    selection.name.value
                ):
                    deepest = max(deepest, level + 1)
                    stack.append((selection.selection_set, level + 1))
            elif isinstance(selection, FragmentSpreadNode):
                spreads.append((selection.name.value, level))
            elif isinstance(selection, InlineFragmentNode):
                stack.append((selection.selection_set, level))
    return Measure(deepest, tuple(spreads))


def depth(measure: Measure, fragment_depths: Mapping[str, int]) -> int:
    """A spread fragment's depth starts at the level of the spread."""
    return max(
        [
            measure.own,
            *(level + fragment_depths.get(name, 0) for name, level in measure.spreads),
        ]
    )


def aliases(selection_set: SelectionSetNode) -> Measure:
    """The aliased fields at any level, and every spread (a spread twice is listed twice)."""
    count = 0
    spreads: list[tuple[str, int]] = []
    stack = [selection_set]
    while stack:
        for selection in stack.pop().selections:
            if isinstance(selection, FieldNode):
                if selection.alias is not None:
                    count += 1
                if selection.selection_set is not None:
                    stack.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                spreads.append((selection.name.value, 0))
            elif isinstance(selection, InlineFragmentNode):
                stack.append(selection.selection_set)
    return Measure(count, tuple(spreads))


def alias_total(measure: Measure, fragment_aliases: Mapping[str, int]) -> int:
    """A fragment's aliases count once per spread of it."""
    return measure.own + sum(fragment_aliases.get(name, 0) for name, _ in measure.spreads)


def depth_limit_rule(max_depth: int) -> type[ValidationRule]:
    """A rule refusing operations nested deeper than `max_depth`.

    Build it once per schema: the validation cache is keyed by the rule classes.
    """

    class QueryDepthRule(ValidationRule):
        def enter_document(self, node: DocumentNode, *_args: object) -> VisitorAction:
            """Measure the whole document at once; no later node needs a visit."""
            depths = fragment_values(
                fragments_of(node), lambda fragment: nesting(fragment.selection_set), depth
            )
            for operation in operations_of(node):
                if depth(nesting(operation.selection_set), depths) > max_depth:
                    name = operation.name.value if operation.name else "anonymous"
                    self.report_error(
                        GraphQLError(
                            f"'{name}' exceeds maximum operation depth of {max_depth}",
                            operation,
                            extensions=too_complex(),
                        )
                    )
            return SKIP

    return QueryDepthRule


def alias_limit_rule(max_aliases: int) -> type[ValidationRule]:
    """A rule refusing documents with more than `max_aliases` aliases, spreads included.

    Build it once per schema: the validation cache is keyed by the rule classes.
    """

    class MaxAliasesRule(ValidationRule):
        def enter_document(self, node: DocumentNode, *_args: object) -> VisitorAction:
            """Count the whole document at once; no later node needs a visit."""
            counts = fragment_values(
                fragments_of(node), lambda fragment: aliases(fragment.selection_set), alias_total
            )
            total = sum(
                alias_total(aliases(operation.selection_set), counts)
                for operation in operations_of(node)
            )
            if total > max_aliases:
                found = str(total) if total < HUGE_COUNT else f"More than {HUGE_COUNT}"
                self.report_error(
                    GraphQLError(
                        f"{found} aliases found. Allowed: {max_aliases}", extensions=too_complex()
                    )
                )
            return SKIP

    return MaxAliasesRule
