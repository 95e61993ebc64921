"""`/metrics` labels come from the schema, never from what a client chose to write."""

from __future__ import annotations

import re

from casino_club.observability import Metrics
from tests.support import Api

CHECK_CODE = 'validateInviteCode(code: "5858") { valid }'
REQUESTS = re.compile(
    r'^graphql_requests_total\{operation="([^"]*)",outcome="([^"]*)"\} (\S+)$', re.MULTILINE
)


async def requests_by_label(api: Api) -> dict[tuple[str, str], float]:
    """`graphql_requests_total` by (operation, outcome); the app, and so its metrics, is new."""
    response = await api.client.get("/metrics")
    assert response.status_code == 200
    assert "Invented" not in response.text
    return {
        (operation, outcome): float(count)
        for operation, outcome, count in REQUESTS.findall(response.text)
    }


async def test_invented_operation_names_never_become_labels(api: Api) -> None:
    for i in range(30):
        await api.execute(f"query Invented{i} {{ {CHECK_CODE} }}")
    await api.execute("query InventedInvalid { inventedField }")
    await api.execute("query InventedUnparsable {")
    assert await requests_by_label(api) == {
        ("query:validateInviteCode", "ok"): 30.0,
        ("invalid", "error"): 2.0,
    }


async def test_the_label_is_the_operation_type_and_its_root_fields(api: Api) -> None:
    """Field names, not aliases, sorted; fragments followed; more than three are "(many)"."""
    queries = [
        f"fragment Who on Query {{ me {{ id }} }} query Invented1 {{ ...Who x: {CHECK_CODE} }}",
        f"query Invented2 {{ me {{ id }} {CHECK_CODE} __typename n: __typename }}",
        f"query Invented3 {{ me {{ id }} __typename __schema {{ __typename }} {CHECK_CODE} }}",
        "mutation Invented4 { slotSpin(input: {stake: 10}) { __typename } }",
    ]
    for query in queries:
        await api.execute(query)
    assert await requests_by_label(api) == {
        ("query:me,validateInviteCode", "error"): 1.0,
        ("query:__typename,me,validateInviteCode", "error"): 1.0,
        ("query:(many)", "error"): 1.0,
        ("mutation:slotSpin", "error"): 1.0,
    }


def test_the_label_set_is_bounded() -> None:
    """Combinations of root fields are many: beyond the first few labels, "other"."""
    metrics = Metrics(max_operations=2)
    for label in ("query:a", "query:b", "query:c", "query:a"):
        metrics.observe(label, "ok", 0.001)

    def count(label: str) -> float | None:
        sample = {"operation": label, "outcome": "ok"}
        return metrics.registry.get_sample_value("graphql_requests_total", sample)

    assert [count(label) for label in ("query:a", "query:b", "query:c", "other")] == [
        2.0,
        1.0,
        None,
        1.0,
    ]
