"""GraphiQL's page and files over HTTP (SPEC §4.2); in a browser: e2e/test_browser_graphiql.py.

The page loads nothing but files from /graphiql-assets/, each with the integrity of what
that route serves; the route serves exactly those files, cached for good; GRAPHIQL=false
leaves a browser's GET of /graphql a plain GET without a query.
"""

from __future__ import annotations

import re

import pytest

from casino_club.graphiql import CONTENT_SECURITY_POLICY
from casino_club.static_pages import sri
from tests.conftest import Backend, api_for, running_app
from tests.support import Api

BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
TAG = re.compile(r"<(script|link)\b([^>]*)>")
ATTRIBUTE = re.compile(r'(\w[\w-]*)="([^"]*)"')


async def test_the_page_loads_only_its_own_files_each_with_its_integrity(api: Api) -> None:
    page = await api.client.get("/graphql", headers=BROWSER)
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self';" in CONTENT_SECURITY_POLICY
    assert "unsafe" not in CONTENT_SECURITY_POLICY
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "//" not in page.text.replace("<!doctype html>", ""), "an absolute URL: a CDN?"

    loaded = []
    for tag, attributes in TAG.findall(page.text):
        values = dict(ATTRIBUTE.findall(attributes))
        if tag == "link" and values.get("rel") != "stylesheet":
            continue  # the icon, a data: URL
        url = values["src"] if tag == "script" else values["href"]
        assert url.startswith("/graphiql-assets/"), url
        asset = await api.client.get(url)
        assert asset.status_code == 200, url
        assert sri(asset.content) == values["integrity"], url
        assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert asset.headers["x-content-type-options"] == "nosniff"
        expected_type = "text/javascript" if tag == "script" else "text/css"
        assert asset.headers["content-type"] == f"{expected_type}; charset=utf-8", url
        loaded.append(url)
    # React, ReactDOM, GraphiQL, the explorer and our init.js; two styles and ours.
    assert len([url for url in loaded if url.endswith(".js")]) == 5
    assert len([url for url in loaded if url.endswith(".css")]) == 3
    # No inline script: the policy would refuse it.
    assert page.text.count("<script") == page.text.count("<script src=")


@pytest.mark.parametrize(
    "path",
    [
        "manifest.json",
        "graphiql@3.8.3/LICENSE",
        "react@18.2.0/umd/../LICENSE",
        "..%2F__init__.py",
        "..%2F..%2Fconfig.py",
        "%2Fetc%2Fpasswd",
        "casino-club/0000000000000000/init.js",
        "graphiql@3.8.3/graphiql.min.js.map",
    ],
)
async def test_nothing_but_the_pages_files_is_served(api: Api, path: str) -> None:
    response = await api.client.get(f"/graphiql-assets/{path}")
    assert response.status_code == 404
    assert response.text == "Not Found"


async def test_graphiql_off_answers_a_browser_like_any_get_without_a_query(
    backend: Backend,
) -> None:
    async with running_app(backend.settings(graphiql=False)) as app, api_for(app) as api:
        page = await api.client.get("/graphql", headers=BROWSER)
        assert page.status_code == 400
        assert page.headers["content-type"] == "application/json"
        assert "content-security-policy" not in page.headers
        error = page.json()["errors"][0]
        assert error["message"] == "No GraphQL query found in the request"
        assert error["extensions"]["code"]
        asset = await api.client.get("/graphiql-assets/graphiql@3.8.3/graphiql.min.js")
        assert asset.status_code == 404
        # Queries over GET still work.
        answer = await api.client.get("/graphql", params={"query": "{ __typename }"})
        assert answer.json() == {"data": {"__typename": "Query"}}


async def test_graphiql_with_introspection_off_still_serves_the_page(
    backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    """The operator chose both: GraphiQL runs queries, it only cannot show the schema."""
    settings = backend.settings(graphql_introspection=False, graphiql=True)
    with caplog.at_level("WARNING", logger="casino_club.graphiql"):
        async with running_app(settings) as app, api_for(app) as api:
            page = await api.client.get("/graphql", headers=BROWSER)
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "GRAPHQL_INTROSPECTION=false" in caplog.text
