"""How /graphql answers over HTTP (SPEC §12.1): `Cache-Control` on public GETs only, and
the GraphQL-over-HTTP media type `application/graphql-response+json` with its statuses."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import httpx
import pytest

from tests.conftest import Backend, api_for, running_app
from tests.support import Api, error_codes

PUBLIC = "{ slotsConfig { rtp } leaderboard(metric: LEVEL, first: 3) { metric } }"
PUBLIC_BY_FRAGMENT = "fragment Rules on Query { wheelConfig { __typename } } query { ...Rules }"
PUBLIC_MAX_AGE = "public, max-age=30"
GRAPHQL_RESPONSE = "application/graphql-response+json"


async def get(
    api: Api,
    query: str,
    *,
    token: str | None = None,
    accept: str | None = None,
    **fields: Any,
) -> httpx.Response:
    headers = {}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    if accept is not None:
        headers["Accept"] = accept
    params = {"query": query, **{k: json.dumps(v) for k, v in fields.items()}}
    return await api.client.get("/graphql", params=params, headers=headers)


async def post(api: Api, query: str, *, accept: str | None = None, **fields: Any) -> httpx.Response:
    headers = {} if accept is None else {"Accept": accept}
    return await api.client.post("/graphql", json={"query": query, **fields}, headers=headers)


def cacheable(response: httpx.Response) -> None:
    assert response.status_code == 200, response.text
    assert "errors" not in response.json()
    assert response.headers["cache-control"] == PUBLIC_MAX_AGE
    assert "accept" in response.headers["vary"].lower()


def not_stored(response: httpx.Response) -> None:
    assert response.headers["cache-control"] == "no-store", response.headers


@pytest.mark.parametrize("query", [PUBLIC, PUBLIC_BY_FRAGMENT], ids=["fields", "fragment"])
async def test_a_get_of_public_fields_is_cacheable(api: Api, query: str) -> None:
    cacheable(await get(api, query))


async def test_a_token_does_not_make_a_public_answer_private(api: Api) -> None:
    """No public field reads the viewer: the answer is everyone's (schema/public_queries)."""
    token = (await api.new_player())["accessToken"]
    anonymous, with_token = await get(api, PUBLIC), await get(api, PUBLIC, token=token)
    cacheable(with_token)
    assert with_token.json() == anonymous.json()


async def test_a_get_by_persisted_hash_is_cacheable(api: Api) -> None:
    """What Apollo's `useGETForHashedQueries` is for: the URL names the document."""
    query = "{ diceConfig { __typename } rpsConfig { __typename } }"
    extensions = {
        "persistedQuery": {"version": 1, "sha256Hash": hashlib.sha256(query.encode()).hexdigest()}
    }
    not_stored(await api.client.get("/graphql", params={"extensions": json.dumps(extensions)}))
    await post(api, query, extensions=extensions)
    cacheable(await api.client.get("/graphql", params={"extensions": json.dumps(extensions)}))


@pytest.mark.parametrize(
    "query",
    [
        "{ me { gold } }",
        "{ slotsConfig { rtp } me { gold } }",
        "{ limitedPackages { __typename } }",
        "fragment Mine on Query { me { gold } } query { slotsConfig { rtp } ...Mine }",
    ],
    ids=["private", "public and private", "viewer-dependent", "private by fragment"],
)
async def test_a_get_reading_anything_private_is_not_stored(api: Api, query: str) -> None:
    token = (await api.new_player())["accessToken"]
    response = await get(api, query, token=token)
    assert response.status_code == 200 and "errors" not in response.json(), response.text
    not_stored(response)


async def test_every_post_error_and_refusal_is_not_stored(api: Api) -> None:
    not_stored(await post(api, PUBLIC))  # a POST, however public
    not_stored(await get(api, "{ slotsConfig { nosuchfield } }"))  # an error
    not_stored(await get(api, "{ leaderboard(metric: LEVEL, first: 1000) { metric } }"))
    not_stored(
        await get(
            api,
            "query Q($n: Int!) { leaderboard(metric: LEVEL, first: $n) { metric } }",
            variables={"n": "x"},
        )
    )
    not_stored(
        await api.client.post(
            "/graphql", content=b"null", headers={"Content-Type": "application/json"}
        )
    )
    not_stored(await get(api, "mutation { __typename }"))  # refused over GET: a 400


async def test_a_max_age_of_zero_stores_nothing(backend: Backend) -> None:
    async with (
        running_app(backend.settings(public_query_max_age_seconds=0)) as app,
        api_for(app) as api,
    ):
        not_stored(await get(api, PUBLIC))


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "application/json"),
        ("*/*", "application/json"),
        ("application/json", "application/json"),
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        ("Application/GraphQL-Response+JSON", GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE}, application/json;q=0.9", GRAPHQL_RESPONSE),  # Apollo Client 4
        (f"application/json, {GRAPHQL_RESPONSE}", GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE};q=0.5, application/json", "application/json"),
        (f"{GRAPHQL_RESPONSE};q=0", "application/json"),
        (f"{GRAPHQL_RESPONSE};q=abc, application/json;q=0.1", "application/json"),
    ],
)
async def test_the_response_media_type_follows_accept(
    api: Api, accept: str | None, expected: str
) -> None:
    for response in (await post(api, PUBLIC, accept=accept), await get(api, PUBLIC, accept=accept)):
        assert response.status_code == 200
        assert response.headers["content-type"] == expected
        assert response.json()["data"]["slotsConfig"]["rtp"]


@pytest.mark.parametrize(
    ("query", "variables", "code"),
    [
        ("{ slotsConfig { rtp }", None, "GRAPHQL_PARSE_FAILED"),
        ("{ nosuchfield }", None, "GRAPHQL_VALIDATION_FAILED"),
        ("{ " + "__typename " * 2100 + "}", None, "QUERY_TOO_COMPLEX"),
        (
            "query Q($n: Int!) { leaderboard(metric: LEVEL, first: $n) { metric } }",
            {"n": "x"},
            "BAD_USER_INPUT",
        ),
    ],
    ids=["parse", "validation", "limit", "variable"],
)
async def test_a_request_failing_before_execution_is_a_4xx_without_data(
    api: Api, query: str, variables: dict[str, Any] | None, code: str
) -> None:
    """GraphQL-over-HTTP: with its media type such a response has no `data` and a 4xx;
    with application/json it stays a 200 with `data: null`, as clients had it."""
    response = await post(api, query, accept=GRAPHQL_RESPONSE, variables=variables)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == GRAPHQL_RESPONSE
    assert "data" not in response.json()
    assert error_codes(response.json()) == [code]
    legacy = await post(api, query, accept="application/json", variables=variables)
    assert legacy.status_code == 200
    assert legacy.json()["data"] is None
    assert error_codes(legacy.json()) == [code]


async def test_an_error_during_execution_is_a_200_with_data(api: Api) -> None:
    response = await post(api, "{ slotsConfig { rtp } me { gold } }", accept=GRAPHQL_RESPONSE)
    assert response.status_code == 200
    assert response.headers["content-type"] == GRAPHQL_RESPONSE
    body = response.json()
    assert "data" in body, body
    assert error_codes(body) == ["UNAUTHENTICATED"]


async def test_a_refusal_is_in_the_clients_media_type(api: Api) -> None:
    response = await api.client.post(
        "/graphql",
        content=b"[]",
        headers={"Content-Type": "application/json", "Accept": GRAPHQL_RESPONSE},
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == GRAPHQL_RESPONSE
    assert error_codes(response.json()) == ["BAD_REQUEST"]


@pytest.mark.parametrize(
    "content_type",
    ["Application/JSON; charset=UTF-8", "APPLICATION/JSON", "application/json;charset=utf-8"],
)
async def test_the_request_media_type_is_matched_case_insensitively(
    api: Api, content_type: str
) -> None:
    response = await api.client.post(
        "/graphql",
        content=json.dumps({"query": PUBLIC}).encode(),
        headers={"Content-Type": content_type},
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["slotsConfig"]["rtp"]
