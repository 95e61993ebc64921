"""The cost model (schema/query_cost.py), on the real schema: what docs/api-guide.md promises."""

from __future__ import annotations

from graphql import parse, validate

from casino_club.schema.query_cost import operation_cost
from casino_club.schema.root import schema
from tests.costly_queries import HISTORY_PAGE, OWN_HISTORY, PUBLIC_PAGES
from tests.query_bombs import fragment_bomb

GRAPHQL_SCHEMA = schema._schema


def cost(query: str, variables: dict[str, object] | None = None) -> int | None:
    document = parse(query)
    assert validate(GRAPHQL_SCHEMA, document) == []
    return operation_cost(GRAPHQL_SCHEMA, document, None, variables or {})


def test_a_page_multiplies_its_selection_once() -> None:
    """history(first: 3): 1 + 3 × (edges 1 + node 1 + id 1); `edges` adds no factor."""
    assert cost("{ me { history(first: 3) { edges { node { id } } } } }") == 1 + 1 + 3 * 3
    # A leaderboard's entries are its page, like a connection's edges.
    assert cost("{ leaderboard(metric: LEVEL, first: 4) { entries { rank } } }") == 1 + 4 * 2


def test_first_comes_from_the_variables_else_the_default() -> None:
    assert cost(HISTORY_PAGE, {"first": 100}) == 1802
    assert cost(HISTORY_PAGE) == cost(HISTORY_PAGE, {"first": 20}) == 362
    declared = "query Q($n: Int! = 5) { me { history(first: $n) { edges { cursor } } } }"
    assert cost(declared) == 1 + 1 + 5 * 2


def test_nodes_counts_the_ids_sent() -> None:
    """nodes(ids:) answers one object per id (up to 100), not the default 20."""
    selection = "{ id ... on Player { nickname } }"
    three = '{ nodes(ids: ["a", "b", "c"]) ' + selection + " }"
    assert cost(three) == 1 + 3 * 2
    sent = "query Q($ids: [ID!]!) { nodes(ids: $ids) " + selection + " }"
    assert cost(sent, {"ids": [str(n) for n in range(100)]}) == 1 + 100 * 2
    assert cost('{ node(id: "a") ' + selection + " }") == 1 + 2


def test_other_lists_count_twenty_and_introspection_one() -> None:
    assert cost("{ limitedPackages { sku items { itemId } } }") == 1 + 20 * (1 + 1 + 20 * 1)
    assert cost("{ __schema { types { fields { name } } } }") == 1


def test_the_issues_documents_and_a_merged_fragment_bomb() -> None:
    assert cost(OWN_HISTORY) == 4504
    assert cost(PUBLIC_PAGES) == 3502
    # Each fragment spreads the previous one twice side by side: the answer has one field.
    assert cost(fragment_bomb()) == 1
