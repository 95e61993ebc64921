"""Fuzzing the API: nothing a client sends gets a 5xx or an internal error (SPEC §13).

Schemathesis reads the schema by introspection from the in-process app and generates
operations for every query and mutation, valid ones and deliberately invalid ones (wrong
types, NUL characters in strings, huge numbers); Hypothesis adds request envelopes of
arbitrary JSON and bytes around them. Requests go through httpx in the test's own event
loop: schemathesis' ASGI transport would run the app in a thread and loop of its own,
away from the engine the `app` fixture created (SPEC §15). Derandomized, with a bounded
number of examples, so a run is repeatable and takes seconds.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import graphql
import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.generation.case import Case
from schemathesis.graphql import nodes
from starlette.applications import Starlette

from tests.support import SIGNUP, SPIN, Api

# Its own address, so its sign-ups and logins share no per-address budget with other tests.
FUZZ_CLIENT = ("198.51.100.23", 4711)
# They would end the fuzzing player's session, and every later mutation would only test
# authentication.
EXCLUDED = ["Mutation.logout", "Mutation.logoutAll"]
MAX_EXAMPLES = 150
# Fixed examples (derandomized, no example database) so a run is repeatable.
FUZZ = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

schemathesis.graphql.scalar(
    "Gold",
    st.one_of(
        st.integers(min_value=-(2**60), max_value=2**60).map(nodes.Int),
        st.sampled_from(["10", "１０", "١٠", " 10 ", "+10", "1_0", "9" * 5000]).map(nodes.String),
        st.text(max_size=20).map(nodes.String),
    ),
)


@pytest.fixture
async def fuzz_client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=FUZZ_CLIENT)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
async def fuzz_cases(fuzz_client: httpx.AsyncClient) -> st.SearchStrategy[Case[Any]]:
    """Valid and invalid operations, generated from the app's own introspection."""
    introspection = await fuzz_client.post(
        "/graphql", json={"query": graphql.get_introspection_query()}
    )
    schema = schemathesis.graphql.from_dict(introspection.json()).exclude(name=EXCLUDED)
    return st.one_of(
        schema.as_strategy(GenerationMode.POSITIVE), schema.as_strategy(GenerationMode.NEGATIVE)
    )


@pytest.fixture
async def player_token(fuzz_client: httpx.AsyncClient) -> str:
    """A player's token, so mutations run instead of stopping at authentication."""
    token: str = (await Api(fuzz_client).new_player())["accessToken"]
    return token


@FUZZ
@given(data=st.data())
async def test_generated_operations_never_get_a_server_error(
    data: st.DataObject,
    fuzz_client: httpx.AsyncClient,
    fuzz_cases: st.SearchStrategy[Case[Any]],
    player_token: str,
) -> None:
    case = data.draw(fuzz_cases)
    response = await fuzz_client.post(
        "/graphql",
        json={"query": case.body},
        headers={"Authorization": f"Bearer {player_token}"},
    )
    assert_no_server_error(response, case.body)


def assert_no_server_error(response: httpx.Response, sent: object) -> None:
    assert response.status_code < 500, (sent, response.text)
    assert "x-request-id" in response.headers
    body: dict[str, Any] = response.json()
    codes = [error.get("extensions", {}).get("code") for error in body.get("errors", [])]
    # A masked internal error is a 500 in all but status: an exception escaped a resolver.
    assert "INTERNAL_SERVER_ERROR" not in codes, (sent, body)


# Any code point, NUL and unpaired surrogates included.
TEXT = st.text(st.characters(exclude_categories=()), max_size=20)


def json_containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(children, max_size=4) | st.dictionaries(
        st.text(max_size=8), children, max_size=4
    )


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT,
    json_containers,
    max_leaves=12,
)
# Real operations, so arbitrary variables meet real input types.
OPERATIONS = st.sampled_from(
    [
        SIGNUP,
        SPIN,
        "mutation L($input: LoginInput!) { login(input: $input) { __typename } }",
        "query C($code: String!) { validateInviteCode(code: $code) { valid } }",
        "query H($after: String, $first: Int!) { me { ledger(first: $first, after: $after) "
        "{ edges { cursor } } } }",
        "query U($id: ID!) { user(id: $id) { nickname } }",
    ]
)
FIELDS = st.sampled_from(["siteId", "nickname", "password", "inviteCode", "stake"])
INPUTS = st.dictionaries(FIELDS | st.just("idempotencyKey") | TEXT, JSON_VALUES, max_size=6)
ENVELOPES = st.fixed_dictionaries(
    {"query": OPERATIONS},
    optional={
        "variables": st.one_of(
            st.fixed_dictionaries({"input": INPUTS}),
            st.dictionaries(st.sampled_from(["after", "first", "code", "id"]), JSON_VALUES),
            JSON_VALUES,
        ),
        "operationName": st.none() | TEXT | JSON_VALUES,
        "extensions": st.none() | st.dictionaries(TEXT, JSON_VALUES, max_size=3) | JSON_VALUES,
    },
)


def encoded(value: object, ensure_ascii: bool) -> bytes:
    """As escapes (`\\ud800`) or as raw UTF-8, lone surrogates written as their bytes."""
    return json.dumps(value, ensure_ascii=ensure_ascii).encode("utf-8", "surrogatepass")


BODIES = st.one_of(
    st.builds(encoded, ENVELOPES | JSON_VALUES, st.booleans()),
    st.binary(max_size=64),
)


@FUZZ
@given(body=BODIES)
async def test_arbitrary_request_bodies_never_get_a_server_error(
    body: bytes, fuzz_client: httpx.AsyncClient, player_token: str
) -> None:
    response = await fuzz_client.post(
        "/graphql",
        content=body,
        headers={"Authorization": f"Bearer {player_token}", "Content-Type": "application/json"},
    )
    assert_no_server_error(response, body)
