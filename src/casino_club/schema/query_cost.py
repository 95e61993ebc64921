"""A query's cost: how many fields its answer can hold, bounded before it runs (SPEC §13).

Depth, aliases and tokens bound the document, not the answer: `history(first: 100)`
through every field of a round, or a leaderboard of 100 with each player's profile, stay
within them and answer hundreds of kilobytes. The cost counts every field of the answer
once per time it can appear:

- a field costs 1, plus its selection's cost times its multiplier;
- a field taking `first` multiplies its selection by `first` (a literal, the request's
  variable, else the argument's default; `DEFAULT_LIST_LENGTH` when none resolves);
- a list field taking `ids` (`nodes(ids:)`) multiplies its selection by the number of
  ids sent (`DEFAULT_LIST_LENGTH` when it cannot be told);
- any other list multiplies by `DEFAULT_LIST_LENGTH`, except a list of a page type (the
  type a field taking `first` returns: a connection's `edges`, a leaderboard's
  `entries`), whose length that `first` has already counted;
- introspection fields cost 1 each, whatever they select: their answer is the schema's,
  computed once (schema/introspection.py);
- a fragment spread again beside itself adds nothing (the answer merges its fields).

The cost depends on the variables, so it is measured after validation, per operation,
with the values sent. Like the depth and alias rules (query_limits), each definition is
measured once and a spread costs one lookup, times the multiplier it sits under: linear
in the document, however its fragments nest. Walks use explicit stacks.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLType,
    InlineFragmentNode,
    IntValueNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_operation_ast,
    value_from_ast_untyped,
)
from strawberry.extensions.utils import is_introspection_key

from casino_club.domain.errors import ErrorCode
from casino_club.schema.query_limits import HUGE_COUNT, Measure, fragment_values, fragments_of

DEFAULT_LIST_LENGTH = 20
PAGE_ARGUMENT = "first"
IDS_ARGUMENT = "ids"


def as_int(value: object) -> int | None:
    """A variable's value as graphql-core coerces it to an `Int`: an int, or a float with
    no fraction (`100.0` runs as 100); None for anything else (a bool is not an Int)."""
    if type(value) is int:
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _is_list(type_: GraphQLType) -> bool:
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)


@cache
def page_types(schema: GraphQLSchema) -> frozenset[str]:
    """The types a field taking `first` returns (not as a list): their lists are pages."""
    found: set[str] = set()
    for named in schema.type_map.values():
        if isinstance(named, GraphQLObjectType) and not named.name.startswith("__"):
            for field in named.fields.values():
                if PAGE_ARGUMENT in field.args and not _is_list(field.type):
                    found.add(get_named_type(field.type).name)
    return frozenset(found)


class CostMeasurer:
    """Measures selection sets of one schema under one request's variables."""

    def __init__(self, schema: GraphQLSchema, variables: Mapping[str, object]) -> None:
        self._schema = schema
        self._variables = variables
        self._pages = page_types(schema)

    def fragment(self, fragment: FragmentDefinitionNode) -> Measure:
        return self.selections(
            fragment.selection_set, self._schema.get_type(fragment.type_condition.name.value)
        )

    def selections(
        self, selection_set: SelectionSetNode, parent: GraphQLNamedType | None
    ) -> Measure:
        """The fields' cost, and each spread with the multiplier it sits under."""
        own = 0
        spreads: list[tuple[str, int]] = []
        stack = [(selection_set, parent, 1)]
        while stack:
            current, parent_type, factor = stack.pop()
            fields = getattr(parent_type, "fields", {})
            spread_here: set[str] = set()
            for selection in current.selections:
                if isinstance(selection, FieldNode):
                    own += factor
                    name = selection.name.value
                    definition = fields.get(name)
                    if (
                        selection.selection_set is None
                        or definition is None
                        or is_introspection_key(name)
                    ):
                        continue
                    multiplier = self._multiplier(selection, definition, parent_type)
                    child = get_named_type(definition.type)
                    stack.append((selection.selection_set, child, factor * multiplier))
                elif isinstance(selection, FragmentSpreadNode):
                    # A fragment spread twice side by side answers its fields once.
                    if selection.name.value not in spread_here:
                        spread_here.add(selection.name.value)
                        spreads.append((selection.name.value, factor))
                elif isinstance(selection, InlineFragmentNode):
                    condition = selection.type_condition
                    inner = (
                        parent_type
                        if condition is None
                        else self._schema.get_type(condition.name.value)
                    )
                    stack.append((selection.selection_set, inner, factor))
        return Measure(own, tuple(spreads))

    def _multiplier(
        self, node: FieldNode, definition: GraphQLField, parent: GraphQLNamedType | None
    ) -> int:
        if PAGE_ARGUMENT in definition.args:
            return self._first(node, definition.args[PAGE_ARGUMENT].default_value)
        if not _is_list(definition.type):
            return 1
        if IDS_ARGUMENT in definition.args:
            return self._count_of(node, IDS_ARGUMENT)
        if parent is not None and parent.name in self._pages:
            return 1
        return DEFAULT_LIST_LENGTH

    def _count_of(self, node: FieldNode, name: str) -> int:
        """How many values the list argument `name` holds in this request."""
        for argument in node.arguments or ():
            if argument.name.value != name:
                continue
            if isinstance(argument.value, VariableNode):
                value = self._variables.get(argument.value.name.value)
            else:
                value = value_from_ast_untyped(argument.value)
            if isinstance(value, list):
                return len(value)
        return DEFAULT_LIST_LENGTH

    def _first(self, node: FieldNode, default: object) -> int:
        """`first` as this request gives it; the default when it cannot be resolved."""
        value: object = default
        for argument in node.arguments or ():
            if argument.name.value != PAGE_ARGUMENT:
                continue
            if isinstance(argument.value, IntValueNode):
                value = int(argument.value.value)
            elif isinstance(argument.value, VariableNode):
                value = self._variables.get(argument.value.name.value, default)
            else:
                value = value_from_ast_untyped(argument.value)
        count = as_int(value)
        if count is None:
            return DEFAULT_LIST_LENGTH
        return max(count, 0)


def combined(measure: Measure, fragment_costs: Mapping[str, int]) -> int:
    """A spread fragment's cost, times the multiplier it is spread under."""
    return measure.own + sum(
        factor * fragment_costs.get(name, 0) for name, factor in measure.spreads
    )


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, object],
) -> int | None:
    """The cost of the operation the request runs; None if it names none that exists
    (execution reports that)."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return None
    sent = dict(variables)
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if name not in sent and definition.default_value is not None:
            sent[name] = value_from_ast_untyped(definition.default_value)
    measurer = CostMeasurer(schema, sent)
    costs = fragment_values(fragments_of(document), measurer.fragment, combined)
    root = schema.get_root_type(operation.operation)
    return combined(measurer.selections(operation.selection_set, root), costs)


def cost_error(cost: int, max_cost: int) -> GraphQLError:
    shown = str(cost) if cost < HUGE_COUNT else f"more than {HUGE_COUNT}"
    return GraphQLError(
        f"Query cost {shown} exceeds the maximum of {max_cost}: ask for fewer items "
        "(a smaller `first`) or fewer fields",
        extensions={"code": ErrorCode.QUERY_TOO_COMPLEX.value, "maxCost": max_cost},
    )
