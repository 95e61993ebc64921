"""GraphiQL in a real browser (SPEC §4.2): served from the package, offline, under its CSP.

Every request to a host other than the server's is aborted, so a page still loading
anything from a CDN fails; a console error (a CSP violation is one) or an uncaught page
error fails the test too.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
from playwright.async_api import Browser, Page, expect

from tests.e2e.browser import PageProblems, Screenshots
from tests.support import Api

QUERY_EDITOR = ".graphiql-query-editor .CodeMirror"
# The tools pane's visible editor (variables or headers, whichever tab is chosen).
TOOL_EDITOR = ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror"
RESULT = ".graphiql-response"


async def open_graphiql(browser: Browser, server: str, problems: PageProblems) -> Page:
    page = await browser.new_page()
    problems.watch(page)
    await problems.only_hosts(page, urlsplit(server).netloc)
    response = await page.goto(f"{server}/graphql")
    assert response is not None
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "script-src 'self';" in response.headers["content-security-policy"]
    await expect(page.locator(QUERY_EDITOR)).to_be_visible()
    return page


async def replace_text(page: Page, editor: str, text: str) -> None:
    """Type into a CodeMirror editor: as a paste, so no bracket is closed twice."""
    await page.locator(editor).click()
    await page.keyboard.press("Control+A")
    await page.keyboard.press("Delete")
    await page.keyboard.insert_text(text)


async def run_query(page: Page, query: str) -> None:
    """Type `query` and run it with Ctrl+Enter."""
    await replace_text(page, QUERY_EDITOR, query)
    # GraphiQL reads the operation's name from the editor 100 ms after a change (run
    # sooner, it would send the previous one); our page then writes the query into its
    # URL (?q=), the sign that it did.
    await page.wait_for_url(lambda url: parse_qs(urlsplit(url).query).get("q") == [query])
    await page.keyboard.press("Control+Enter")


async def test_graphiql_renders_offline_and_runs_a_query(
    server: str, browser: Browser, screenshots: Screenshots
) -> None:
    problems = PageProblems()
    page = await open_graphiql(browser, server, problems)
    await screenshots.take(page, "rendered")

    await run_query(page, "query Odds { slotsConfig { minStake maxStake } }")
    await expect(page.locator(RESULT)).to_contain_text('"minStake": 10')
    await expect(page.locator(RESULT)).to_contain_text('"maxStake": 100000')
    await screenshots.take(page, "query-result")

    # The explorer plugin, built from the schema GraphiQL introspected.
    await page.get_by_role("button", name="Show GraphiQL Explorer").click()
    await expect(page.locator(".graphiql-explorer-root")).to_contain_text("slotsConfig")
    await screenshots.take(page, "explorer")
    problems.assert_none()


async def test_graphiql_subscribes_over_the_websocket_with_the_headers_typed(
    server: str, browser: Browser, screenshots: Screenshots
) -> None:
    async with httpx.AsyncClient(base_url=server) as client:
        player = await Api(client).new_player()
    problems = PageProblems()
    page = await open_graphiql(browser, server, problems)

    await page.get_by_role("button", name="Headers").click()
    await replace_text(page, TOOL_EDITOR, f'{{"Authorization": "Bearer {player["accessToken"]}"}}')
    await run_query(page, "subscription Beat { heartbeat(intervalSeconds: 1) { nickname } }")
    # The answer came over the WebSocket (the CSP's connect-src 'self' allows it), whose
    # connection_init carried the header typed above: heartbeat needs a player.
    await expect(page.locator(RESULT)).to_contain_text(player["user"]["nickname"])
    await screenshots.take(page, "subscription")
    problems.assert_none()
