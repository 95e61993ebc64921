"""Fuzzing the running server (SPEC §13): schemathesis, in GraphQL mode, generates valid
and invalid operations from the server's own introspection and sends them over real
HTTP, anonymously and with a player's token. No answer is a 5xx or an unmasked error,
and an operation that was refused moved no gold.

Repeatable: a fixed seed and a bounded number of examples (FUZZ_EXAMPLES, 60 in the
suite; `make fuzz` runs thousands, FUZZ_SEED picks another sequence).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import graphql
import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.generation.case import Case

from tests.e2e.test_http_and_websocket import TIMEOUT
from tests.integration.test_fuzz_graphql import EXCLUDED, assert_no_server_error
from tests.support import PASSWORD, SIGNUP, unique_site_id

pytestmark = pytest.mark.e2e

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
SEED = int(os.environ.get("FUZZ_SEED", "20261123"))
BOOKS = "{ me { gold ledger(first: 1) { edges { cursor } } } }"


@pytest.fixture
def http(server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=TIMEOUT) as client:
        yield client


@pytest.fixture
def cases(http: httpx.Client) -> st.SearchStrategy[Case[Any]]:
    introspection = http.post("/graphql", json={"query": graphql.get_introspection_query()})
    schema = schemathesis.graphql.from_dict(introspection.json()).exclude(name=EXCLUDED)
    return st.one_of(
        schema.as_strategy(GenerationMode.POSITIVE), schema.as_strategy(GenerationMode.NEGATIVE)
    )


@pytest.fixture
def token(http: httpx.Client) -> str:
    variables = {
        "input": {
            "siteId": unique_site_id("fz"),
            "nickname": f"f{uuid.uuid4().hex[:8]}",
            "password": PASSWORD,
            "inviteCode": "5858",
        }
    }
    body = http.post("/graphql", json={"query": SIGNUP, "variables": variables}).json()
    result = body["data"]["signup"]
    assert result["__typename"] == "AuthPayload", body
    value: str = result["accessToken"]
    return value


def books(http: httpx.Client, token: str) -> dict[str, Any]:
    answer = http.post(
        "/graphql", json={"query": BOOKS}, headers={"Authorization": f"Bearer {token}"}
    )
    me: dict[str, Any] = answer.json()["data"]["me"]
    return me


def refused(body: dict[str, Any]) -> bool:
    """Nothing the operation asked for was done: no data, or every root field null."""
    data = body.get("data")
    return data is None or all(value is None for value in data.values())


@seed(SEED)
@settings(
    max_examples=EXAMPLES,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_generated_operations_against_the_server(
    data: st.DataObject,
    http: httpx.Client,
    cases: st.SearchStrategy[Case[Any]],
    token: str,
) -> None:
    case = data.draw(cases)
    anonymous = http.post("/graphql", json={"query": case.body})
    assert_no_server_error(anonymous, case.body)

    before = books(http, token)
    response = http.post(
        "/graphql", json={"query": case.body}, headers={"Authorization": f"Bearer {token}"}
    )
    assert_no_server_error(response, case.body)
    if refused(response.json()):
        assert books(http, token) == before, case.body
