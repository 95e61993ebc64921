"""The operators' insight in the web client, in Chromium on both backends: the player's
page records activity (each screen shown, the shop opened, a buy pressed) and shows
suggestions ("For you") with a verdict the report counts; the console shows the key
figures, the shop funnel and the segments the API gives, an override made in the page
reaches the API, and the economy page shows the inflation alarm. Figures are compared
with the API's answers at the same moment; any page or console error fails the test.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import Browser, Page, expect

from tests.conftest import ADMIN_PASSWORD, Backend
from tests.e2e.browser import Screenshots
from tests.e2e.conftest import start_server
from tests.e2e.test_web_admin import cells, log_in, open_admin
from tests.e2e.test_web_client import open_play, sign_up
from tests.support import Api, run_command

ACTIVITY = "{ me { id activity { counts { screenViews shopOpens buyClicks } } } }"
REPORT = "{ recommendationReport { rule shown useful notUseful } }"
KPIS = """query K($first: Date!, $last: Date!) { kpiReport(firstDay: $first, lastDay: $last) {
  completeThrough
  days { day dau wau mau newPlayers payers firstTimePayers conversionPercent }
  funnel { day shopOpened buyClicked purchased } } }"""
COUNTS = "{ segmentCounts { counts { segment players } } }"
SEGMENTS_OF = (
    "query S($id: ID!) { adminUser(id: $id) { segments { lifecycle override { reason } } } }"
)
INFLATION = """query I($day: Date!) { economyReport(firstDay: $day, lastDay: $day) {
  inflation { percent alarm } } }"""


async def token_of(page: Page) -> str:
    token = await page.evaluate("sessionStorage.getItem('casino-club.accessToken')")
    assert isinstance(token, str)
    return token


async def rules(api: Api, admin: str) -> dict[str, dict[str, Any]]:
    rows = (await api.data(REPORT, token=admin))["recommendationReport"]
    return {row["rule"]: row for row in rows}


async def test_the_page_records_activity_and_takes_verdicts_on_suggestions(
    server: str, backend: Backend, browser: Browser, screenshots: Screenshots
) -> None:
    async with httpx.AsyncClient(base_url=server, timeout=20) as http:
        api = Api(http)
        admin = (await api.login(backend.settings().admin_site_id, ADMIN_PASSWORD))["accessToken"]
        before = await rules(api, admin)
        page, problems = await open_play(server, browser)
        await sign_up(page, screenshots)
        await page.get_by_role("link", name="Shop").click()
        await page.locator("#buy-starter").click()
        await expect(page.locator("#gold")).not_to_have_text("1,000 gold")
        await page.get_by_role("link", name="For you").click()
        suggestion = page.locator('#suggestions li[data-rule="DAILY_REWARD"]')
        await expect(suggestion).to_contain_text("Your daily reward is waiting")
        # A newcomer is offered the smallest pack, linked to the shop.
        offer = page.locator('#suggestions li[data-rule="SHOP_OFFER"]')
        await expect(offer).to_contain_text("A small start: Starter pack")
        await expect(offer.get_by_role("link", name="Go there")).to_have_attribute("href", "#shop")
        await screenshots.take(page, "for-you")
        await suggestion.get_by_role("button", name="Useful", exact=True).click()
        await expect(page.locator("#suggestions-status")).to_have_text(
            "Thanks: your answer is recorded."
        )
        token = await token_of(page)
        counts: dict[str, int] = {}
        for _ in range(50):  # the page sends its events without waiting for them
            counts = (await api.data(ACTIVITY, token=token))["me"]["activity"]["counts"]
            if counts["buyClicks"] and counts["screenViews"] >= 3:
                break
            await asyncio.sleep(0.1)
        # The first screen, the shop and "For you" shown; the shop opened; one buy.
        assert counts == {"screenViews": 3, "shopOpens": 1, "buyClicks": 1}
        after = await rules(api, admin)
        assert after["DAILY_REWARD"]["shown"] == before["DAILY_REWARD"]["shown"] + 1
        assert after["DAILY_REWARD"]["useful"] == before["DAILY_REWARD"]["useful"] + 1
    problems.assert_none()


async def test_key_figures_segments_and_inflation_in_the_console(
    backend: Backend, browser: Browser, screenshots: Screenshots, tmp_path: Path
) -> None:
    """On a server whose KPI and economy rollups run every 0.2 s (the shared one's wait
    minutes), with the segmentation run by the command line, as an operator would."""
    with start_server(
        backend,
        tmp_path,
        KPI_ROLLUP_INTERVAL_SECONDS="0.2",
        ECONOMY_ROLLUP_INTERVAL_SECONDS="0.2",
    ) as running:
        async with httpx.AsyncClient(base_url=running.url, timeout=20) as http:
            api = Api(http)
            player = await api.new_player()
            site_id = backend.settings().admin_site_id
            admin = (await api.login(site_id, ADMIN_PASSWORD))["accessToken"]
            done = await run_command(backend.environment(), "segment-users")
            assert done.returncode == 0, done.stderr
            today = datetime.now(UTC).date()
            days = {"first": (today - timedelta(days=6)).isoformat(), "last": today.isoformat()}
            report: dict[str, Any] = {}
            for _ in range(100):  # written through today, the new player counted
                report = (await api.data(KPIS, days, token=admin))["kpiReport"]
                if (
                    report["completeThrough"] == today.isoformat()
                    and report["days"][-1]["newPlayers"]
                ):
                    break
                await asyncio.sleep(0.2)
            page, problems = await open_admin(running.url, browser)
            await log_in(page, site_id, ADMIN_PASSWORD)

            await page.get_by_role("link", name="Key figures").click()
            await expect(page.locator("#kpi-status")).to_contain_text("shown")
            report = (await api.data(KPIS, days, token=admin))["kpiReport"]
            await expect(cells(page.locator("#kpi-days tbody tr"))).to_have_text(
                [
                    text
                    for day in report["days"]
                    for text in (
                        day["day"],
                        *(f"{day[key]:,}" for key in ("dau", "wau", "mau", "newPlayers", "payers")),
                        f"{day['firstTimePayers']:,}",
                        f"{day['conversionPercent']:.2f} %",
                    )
                ]
            )
            await expect(cells(page.locator("#kpi-funnel tbody tr"))).to_have_text(
                [
                    text
                    for day in report["funnel"]
                    for text in (
                        day["day"],
                        *(f"{day[k]:,}" for k in ("shopOpened", "buyClicked", "purchased")),
                    )
                ]
            )
            await screenshots.take(page, "key-figures")

            await page.get_by_role("link", name="Segments").click()
            counts = (await api.data(COUNTS, token=admin))["segmentCounts"]["counts"]
            new = next(c["players"] for c in counts if c["segment"] == "NEW")
            assert new >= 1
            await expect(
                page.locator('#segment-count-table tr[data-segment="NEW"]')
            ).to_contain_text(f"{new:,}")
            await page.locator("#segment-choice").select_option("NEW")
            await page.get_by_role("button", name="List the players").click()
            row = page.locator(f'#segment-players tr[data-player-id="{player["user"]["id"]}"]')
            await expect(row).to_contain_text("NEW")
            await page.locator("#override-player").select_option(player["user"]["id"])
            await page.locator("#override-segment").select_option("VIP")
            await page.locator("#override-reason").fill("met at the launch party")
            await page.get_by_role("button", name="Override").click()
            await expect(page.locator("#override-status")).to_contain_text("now VIP")
            await screenshots.take(page, "segments")
            seen = (await api.data(SEGMENTS_OF, {"id": player["user"]["id"]}, token=admin))[
                "adminUser"
            ]["segments"]
            assert seen == {"lifecycle": "VIP", "override": {"reason": "met at the launch party"}}

            await page.get_by_role("link", name="Economy").click()
            inflation = (await api.data(INFLATION, {"day": today.isoformat()}, token=admin))[
                "economyReport"
            ]["inflation"]
            alarm = page.locator("#economy-inflation")
            await expect(alarm).to_have_attribute("data-alarm", str(inflation["alarm"]).lower())
            await expect(alarm).to_contain_text(f"{inflation['percent']:.2f} %")
            await screenshots.take(page, "economy-inflation")
        problems.assert_none()
