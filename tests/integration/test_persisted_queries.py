"""Automatic persisted queries, Apollo's protocol (SPEC §12.1), over HTTP on both backends.

An unknown hash is answered PERSISTED_QUERY_NOT_FOUND (HTTP 200, so the client retries
with the document); the document with its hash runs and is kept; the hash alone then
runs it, over GET and POST. A wrong hash keeps nothing; the store is bounded, shared by
instances on Redis, and a Redis outage only makes every hash unknown. A hash alone is
charged to the caller's budget before it is looked up, and only once.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from casino_club.clock import FrozenClock
from casino_club.config import Settings
from tests.conftest import REDIS_BACKENDS, Backend, api_for, running_app
from tests.support import Api, error_codes, free_port

NOT_FOUND = {
    "errors": [
        {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
    ]
}
NOT_SUPPORTED = {
    "errors": [
        {
            "message": "PersistedQueryNotSupported",
            "extensions": {"code": "PERSISTED_QUERY_NOT_SUPPORTED"},
        }
    ]
}
TOP = (
    "query Top($first: Int!) {{ leaderboard(metric: LEVEL, first: $first) {{ metric }} "
    "{key}: __typename }}"
)


def fresh_query() -> tuple[str, str]:
    """A document no other test sent (the Redis store is shared by the session), and the
    response key that tells it apart."""
    key = f"k{uuid.uuid4().hex}"
    return TOP.format(key=key), key


def sha256(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


def persisted(query_hash: str, version: object = 1) -> dict[str, Any]:
    return {"persistedQuery": {"version": version, "sha256Hash": query_hash}}


async def send(
    api: Api,
    method: str,
    *,
    query: str | None,
    extensions: dict[str, Any],
    variables: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """As Apollo's link sends it: POST a JSON body, or GET the same fields in the URL."""
    fields: dict[str, Any] = {"extensions": extensions, "variables": variables or {"first": 3}}
    if query is not None:
        fields["query"] = query
    if method == "POST":
        return await api.client.post("/graphql", json=fields, headers=headers)
    params = {k: v if k == "query" else json.dumps(v) for k, v in fields.items()}
    return await api.client.get("/graphql", params=params, headers=headers)


def answered(response: httpx.Response, key: str) -> None:
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    assert body["data"][key] == "Query"
    assert body["data"]["leaderboard"]["metric"] == "LEVEL"


def not_found(response: httpx.Response) -> None:
    assert response.status_code == 200, response.text
    assert response.json() == NOT_FOUND


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_unknown_hash_then_document_then_hash_alone(api: Api, method: str) -> None:
    query, key = fresh_query()
    extensions = persisted(sha256(query))
    not_found(await send(api, method, query=None, extensions=extensions))
    answered(await send(api, method, query=query, extensions=extensions), key)
    answered(await send(api, method, query=None, extensions=extensions), key)
    # Kept whichever way it came: the other method finds it too.
    other = "POST" if method == "GET" else "GET"
    answered(await send(api, other, query=None, extensions=extensions), key)


async def test_the_hash_alone_runs_with_its_own_variables(api: Api) -> None:
    query, key = fresh_query()
    extensions = persisted(sha256(query))
    answered(await send(api, "POST", query=query, extensions=extensions), key)
    response = await send(api, "GET", query=None, extensions=extensions, variables={"first": "x"})
    assert error_codes(response.json()) == ["BAD_USER_INPUT"]


async def test_a_hash_in_capitals_is_the_same_hash(api: Api) -> None:
    query, key = fresh_query()
    answered(await send(api, "POST", query=query, extensions=persisted(sha256(query))), key)
    answered(await send(api, "GET", query=None, extensions=persisted(sha256(query).upper())), key)


async def test_a_wrong_hash_is_refused_and_nothing_is_kept(api: Api) -> None:
    query, _ = fresh_query()
    wrong = sha256(query + " ")
    response = await send(api, "POST", query=query, extensions=persisted(wrong))
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {"message": "provided sha does not match query", "extensions": {"code": "BAD_REQUEST"}}
        ]
    }
    not_found(await send(api, "POST", query=None, extensions=persisted(wrong)))
    not_found(await send(api, "POST", query=None, extensions=persisted(sha256(query))))


@pytest.mark.parametrize(
    ("extensions", "message"),
    [
        ({"persistedQuery": "abc"}, "extensions.persistedQuery must be an object"),
        (persisted("0" * 64, version=2), "Unsupported persisted query version"),
        (persisted("0" * 64, version=True), "Unsupported persisted query version"),
        (persisted("0" * 64, version="1"), "Unsupported persisted query version"),
        (persisted("xyz"), "extensions.persistedQuery.sha256Hash must be 64 hexadecimal digits"),
        (persisted("0" * 65), "extensions.persistedQuery.sha256Hash must be 64 hexadecimal digits"),
        (
            {"persistedQuery": {"version": 1}},
            "extensions.persistedQuery.sha256Hash must be 64 hexadecimal digits",
        ),
    ],
    ids=[
        "not an object",
        "version 2",
        "version true",
        "version string",
        "not hex",
        "too long",
        "no hash",
    ],
)
async def test_a_malformed_extension_is_a_coded_400(
    api: Api, extensions: dict[str, Any], message: str
) -> None:
    for method in ("GET", "POST"):
        response = await send(api, method, query=None, extensions=extensions)
        assert response.status_code == 400, response.text
        assert response.json() == {
            "errors": [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]
        }


async def test_a_document_that_does_not_validate_is_not_kept(api: Api) -> None:
    query = f"{{ nosuchfield{uuid.uuid4().hex} }}"
    extensions = persisted(sha256(query))
    body = (await send(api, "POST", query=query, extensions=extensions)).json()
    assert error_codes(body) == ["GRAPHQL_VALIDATION_FAILED"]
    not_found(await send(api, "POST", query=None, extensions=extensions))


async def test_a_mutation_by_hash_over_get_is_still_refused(api: Api) -> None:
    """Kept after a POST ran it; a GET of the hash (a link, a prefetch) must not run it."""
    site_id = f"nobody{uuid.uuid4().hex[:8]}"
    mutation = (
        f'mutation {{ login(input: {{siteId: "{site_id}", password: "wrong password"}}) '
        "{ __typename } }"
    )
    extensions = persisted(sha256(mutation))
    posted = (await send(api, "POST", query=mutation, extensions=extensions)).json()
    assert posted["data"]["login"]["__typename"] == "InvalidCredentials", posted
    response = await send(api, "GET", query=None, extensions=extensions)
    assert response.status_code == 400, response.text
    assert error_codes(response.json()) == ["BAD_REQUEST"]
    # Over POST it runs by its hash.
    again = (await send(api, "POST", query=None, extensions=extensions)).json()
    assert again["data"]["login"]["__typename"] == "InvalidCredentials", again


@pytest.mark.parametrize("accept", ["*/*", "text/html", None])
async def test_a_get_of_a_hash_is_an_operation_not_graphiql(api: Api, accept: str | None) -> None:
    """Apollo Client 3 sends `Accept: */*`: a GET with no `query` must not get the IDE."""
    query, key = fresh_query()
    extensions = persisted(sha256(query))
    headers = {} if accept is None else {"Accept": accept}
    not_found(await send(api, "GET", query=None, extensions=extensions, headers=headers))
    answered(await send(api, "POST", query=query, extensions=extensions), key)
    answered(await send(api, "GET", query=None, extensions=extensions, headers=headers), key)


def own_prefix(backend: Backend, **overrides: Any) -> Settings:
    """A Redis prefix of this test's own: the store's bound counts every document in it."""
    return backend.settings(
        redis_prefix=f"{backend.redis_prefix}{uuid.uuid4().hex[:8]}:", **overrides
    )


async def test_the_store_keeps_the_most_recently_used(backend: Backend) -> None:
    settings = own_prefix(backend, persisted_queries_max_entries=2)
    async with running_app(settings) as app, api_for(app) as api:
        (first, first_key), (second, _), (third, third_key) = (fresh_query() for _ in range(3))
        for query in (first, second):
            await send(api, "POST", query=query, extensions=persisted(sha256(query)))
        # Using the first makes the second the least recently used...
        answered(await send(api, "GET", query=None, extensions=persisted(sha256(first))), first_key)
        await send(api, "POST", query=third, extensions=persisted(sha256(third)))
        # ...so the third evicts it.
        not_found(await send(api, "GET", query=None, extensions=persisted(sha256(second))))
        answered(await send(api, "GET", query=None, extensions=persisted(sha256(first))), first_key)
        answered(await send(api, "GET", query=None, extensions=persisted(sha256(third))), third_key)


async def test_a_document_over_the_size_bound_runs_but_is_not_kept(backend: Backend) -> None:
    query, key = fresh_query()
    settings = own_prefix(backend, persisted_query_max_bytes=len(query) - 1)
    async with running_app(settings) as app, api_for(app) as api:
        extensions = persisted(sha256(query))
        answered(await send(api, "POST", query=query, extensions=extensions), key)
        not_found(await send(api, "POST", query=None, extensions=extensions))


@pytest.mark.parametrize("backend", REDIS_BACKENDS, indirect=True)
async def test_instances_share_the_store_on_redis(backend: Backend) -> None:
    settings = own_prefix(backend)
    async with (
        running_app(settings) as first_app,
        running_app(settings) as second_app,
        api_for(first_app) as first,
        api_for(second_app) as second,
    ):
        query, key = fresh_query()
        extensions = persisted(sha256(query))
        answered(await send(first, "POST", query=query, extensions=extensions), key)
        answered(await send(second, "GET", query=None, extensions=extensions), key)


@pytest.fixture
async def api_without_redis(backend: Backend) -> AsyncIterator[Api]:
    nothing_listens = f"redis://127.0.0.1:{free_port()}/0"
    settings = backend.settings(redis_url=nothing_listens, broadcast_url="memory://")
    async with running_app(settings) as application, api_for(application) as api:
        yield api


async def test_without_redis_every_hash_is_unknown_and_documents_still_run(
    api_without_redis: Api,
) -> None:
    """The documented fallback: clients send their documents in full; never a 500."""
    api = api_without_redis
    query = f"{{ k{uuid.uuid4().hex}: __typename }}"
    extensions = persisted(sha256(query))
    for method in ("GET", "POST"):
        not_found(await send(api, method, query=None, extensions=extensions))
        response = await send(api, method, query=query, extensions=extensions)
        assert response.status_code == 200, response.text
        assert "errors" not in response.json()
        not_found(await send(api, method, query=None, extensions=extensions))


async def test_switched_off_a_hash_is_not_supported(backend: Backend) -> None:
    async with running_app(backend.settings(persisted_queries=False)) as app, api_for(app) as api:
        query, key = fresh_query()
        extensions = persisted(sha256(query))
        for method in ("GET", "POST"):
            response = await send(api, method, query=None, extensions=extensions)
            assert response.status_code == 200
            assert response.json() == NOT_SUPPORTED
        # Apollo's link then sends the document alone, which runs.
        response = await api.client.post(
            "/graphql", json={"query": query, "variables": {"first": 1}}
        )
        answered(response, key)


def budgeted(backend: Backend) -> Settings:
    return own_prefix(
        backend, query_budget_per_second_per_player=5, query_budget_per_second_per_address=5
    )


async def test_a_flood_of_unknown_hashes_is_charged_before_the_lookup(
    backend: Backend, clock: FrozenClock
) -> None:
    """Each hash sent alone costs the caller one operation before the store is asked:
    of 20 at once with a budget of 5, 5 are looked up (unknown) and 15 refused unlooked."""
    async with running_app(budgeted(backend), clock) as app, api_for(app) as api:
        answers = await asyncio.gather(
            *(
                send(api, "POST", query=None, extensions=persisted(sha256(fresh_query()[0])))
                for _ in range(20)
            )
        )
        codes = sorted(error_codes(response.json())[0] for response in answers)
        assert codes == ["PERSISTED_QUERY_NOT_FOUND"] * 5 + ["RATE_LIMITED"] * 15
        clock.advance(timedelta(seconds=1))
        not_found(await send(api, "GET", query=None, extensions=persisted(sha256("{ x }"))))


async def test_a_hash_found_is_charged_once(backend: Backend, clock: FrozenClock) -> None:
    """The lookup's charge pays for the operation it finds: the document and four runs
    of its hash are the budget of five, the sixth operation is refused."""
    async with running_app(budgeted(backend), clock) as app, api_for(app) as api:
        query, key = fresh_query()
        extensions = persisted(sha256(query))
        answered(await send(api, "POST", query=query, extensions=extensions), key)
        for _ in range(4):
            answered(await send(api, "GET", query=None, extensions=extensions), key)
        refused = await send(api, "GET", query=None, extensions=extensions)
        assert error_codes(refused.json()) == ["RATE_LIMITED"]
