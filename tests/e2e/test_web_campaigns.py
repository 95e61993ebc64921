"""The operators' Campaigns page in Chromium, on both backends, on a server whose campaign
dispatcher looks twice a second (the default: every 30 s).

Two players are put in DORMANT_LONG (a segmentation run by the command line, then an
operator's override through the API), a third stays NEW. In the page an operator: is
refused, in sentences chosen by the error's code, a reward out of range and a send time
in the past; schedules a campaign for tomorrow and cancels it (refused first without a
reason); schedules one for DORMANT_LONG with a reward, due in a few seconds, using the
keyboard only from the title on — the audience the page previews is the API's
`previewCampaignAudience` — and sees it listed as SCHEDULED; asks to cancel it once it
has been sent and reads why it cannot be (CampaignNotCancellable, by its status); and
reads its delivered and rewarded counts, equal to the API's. Each player in the segment
has the notification and the reward in their ledger; the NEW player has neither. The
list pages like the API's connection. Any page or console error fails the test.
"""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Locator, Page, expect

from tests.conftest import ADMIN_PASSWORD, Backend
from tests.e2e.browser import Screenshots
from tests.e2e.conftest import start_server
from tests.e2e.test_web_admin import cells, log_in, open_admin
from tests.support import LEDGER, Api, row_id, run_command

pytestmark = pytest.mark.e2e

SEGMENT = "DORMANT_LONG"
REWARD = 75
# How far ahead the campaign to send is due: the page schedules it and lists it as
# SCHEDULED well within this, and the dispatcher sends it soon after.
LEAD = timedelta(seconds=30)
SEND_TIMEOUT_SECONDS = 90
PAGE = 20

OVERRIDE = """mutation O($input: OverrideSegmentInput!) { overrideSegment(input: $input) {
  __typename } }"""
PREVIEW = "query P($segment: Segment!) { previewCampaignAudience(segment: $segment) }"
LIST = """query L($first: Int!, $after: String) { campaigns(first: $first, after: $after) {
  edges { node { id title segment sendAt status rewardGold delivered rewarded
    cancelReason } }
  pageInfo { hasNextPage endCursor } } }"""
CAMPAIGN = """query C($id: ID!) { node(id: $id) { ... on Campaign { id title status
  rewardGold delivered rewarded cancelReason } } }"""
SCHEDULE = """mutation S($input: ScheduleCampaignInput!) { scheduleCampaign(input: $input) {
  __typename } }"""
NOTIFICATIONS = "{ me { notifications(first: 20) { edges { node { title body } } } } }"


def utc_input(moment: datetime) -> str:
    """A moment as the page's send-time field takes it (UTC wall clock, to the second)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def listed(page: Page, title: str) -> Locator:
    return page.locator("#campaign-list tbody tr").filter(has_text=title)


async def fill_campaign(
    page: Page, title: str, *, segment: str, reward: str, send_at: datetime
) -> None:
    form = page.locator("#campaign-form")
    await form.get_by_label("Title", exact=True).fill(title)
    await form.get_by_label("Text", exact=True).fill(f"{title}: a gift for you")
    await form.locator("#campaign-segment").select_option(segment)
    await form.get_by_label("Gold reward per player (optional)").fill(reward)
    await form.get_by_label("Send at (UTC)").fill(utc_input(send_at))


async def preview_and_confirm(page: Page) -> None:
    await page.get_by_role("button", name="Preview the audience").click()
    await expect(page.locator("#campaign-preview")).to_be_visible()
    await page.get_by_role("button", name="Schedule it").click()


async def campaign_rows(api: Api, admin: str, pages: int) -> list[dict[str, Any]]:
    """The first `pages` pages of the API's list."""
    found: list[dict[str, Any]] = []
    after = None
    for _ in range(pages):
        connection = (await api.data(LIST, {"first": PAGE, "after": after}, token=admin))[
            "campaigns"
        ]
        found += [edge["node"] for edge in connection["edges"]]
        after = connection["pageInfo"]["endCursor"]
    return found


def row_texts(campaigns: list[dict[str, Any]]) -> list[str]:
    """The cells the page shows for these campaigns, in order."""
    return [
        text
        for c in campaigns
        for text in (
            c["title"],
            c["segment"],
            datetime.fromisoformat(c["sendAt"]).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
            f"CANCELLED ({c['cancelReason']})" if c["cancelReason"] else c["status"],
            f"{c['rewardGold']:,} gold" if c["rewardGold"] else "—",
            f"{c['delivered']:,}",
            f"{c['rewarded']:,}",
        )
    ]


async def test_schedule_preview_cancel_and_dispatch_in_the_campaigns_page(
    backend: Backend, browser: Browser, screenshots: Screenshots, tmp_path: Path
) -> None:
    with start_server(backend, tmp_path, CAMPAIGN_DISPATCH_INTERVAL_SECONDS="0.5") as running:
        async with httpx.AsyncClient(base_url=running.url, timeout=20) as http:
            api = Api(http)
            site_id = backend.settings().admin_site_id
            admin = (await api.login(site_id, ADMIN_PASSWORD))["accessToken"]
            members = [await api.new_player() for _ in range(2)]
            outsider = await api.new_player()
            done = await run_command(backend.environment(), "segment-users")
            assert done.returncode == 0, done.stderr
            for member in members:
                request = {"userId": member["user"]["id"], "segment": SEGMENT, "reason": "test"}
                answer = await api.data(OVERRIDE, {"input": request}, token=admin)
                assert answer["overrideSegment"]["__typename"] == "SegmentOverridden", answer

            page, problems = await open_admin(running.url, browser)
            await log_in(page, site_id, ADMIN_PASSWORD)
            await page.get_by_role("link", name="Campaigns").click()
            await expect(page.locator("#campaigns-status")).to_contain_text(
                re.compile(r"No campaign yet|Page 1")
            )
            status = page.locator("#campaign-status")

            # Refused by the API, each problem in its own sentence; nothing is scheduled.
            before = await campaign_rows(api, admin, 1)
            await fill_campaign(
                page,
                "Too much",
                segment=SEGMENT,
                reward="2000000",
                send_at=datetime.now(UTC) - timedelta(days=1),
            )
            await preview_and_confirm(page)
            await expect(status).to_have_class(re.compile(r"\berror\b"))
            await expect(status).to_contain_text(
                "The reward must be 0 to 1,000,000 gold per player"
            )
            await expect(status).to_contain_text(
                "The send time has passed; choose now or a later time"
            )
            await expect(status).to_contain_text(re.compile(r"Nothing was changed\.$"))
            await screenshots.take(page, "refused")
            assert await campaign_rows(api, admin, 1) == before

            # One for tomorrow, cancelled: first without a reason (refused), then with one.
            later = f"Later {uuid.uuid4().hex[:6]}"
            await fill_campaign(
                page, later, segment=SEGMENT, reward="", send_at=datetime.now(UTC) + timedelta(1)
            )
            await preview_and_confirm(page)
            await expect(status).to_contain_text(f"Scheduled “{later}” for {SEGMENT}")
            await expect(listed(page, later)).to_have_attribute("data-status", "SCHEDULED")
            later_id = await listed(page, later).get_attribute("data-campaign-id")
            assert later_id is not None
            cancel_status = page.locator("#cancel-status")
            await page.locator("#cancel-campaign").select_option(later_id)
            await page.get_by_role("button", name="Cancel the campaign").click()
            await expect(cancel_status).to_have_text(
                re.compile(r"^A reason is required.*Nothing was changed\.$")
            )
            assert (await api.data(CAMPAIGN, {"id": later_id}, token=admin))["node"][
                "status"
            ] == "SCHEDULED"
            await page.locator("#cancel-reason").fill("planned twice")
            await page.get_by_role("button", name="Cancel the campaign").click()
            await expect(cancel_status).to_have_text(
                f"Cancelled “{later}”: nobody will receive it."
            )
            await expect(listed(page, later)).to_have_attribute("data-status", "CANCELLED")
            await expect(cells(listed(page, later)).nth(3)).to_have_text(
                "CANCELLED (planned twice)"
            )
            cancelled = (await api.data(CAMPAIGN, {"id": later_id}, token=admin))["node"]
            assert (cancelled["status"], cancelled["cancelReason"]) == (
                "CANCELLED",
                "planned twice",
            )
            await screenshots.take(page, "cancelled")

            # The one to send, from the keyboard: Enter in the title previews the audience,
            # the confirmation takes the focus, Enter schedules.
            gift = f"Gift {uuid.uuid4().hex[:6]}"
            due = datetime.now(UTC) + LEAD
            await fill_campaign(page, gift, segment=SEGMENT, reward=str(REWARD), send_at=due)
            await page.locator("#campaign-title").press("Enter")
            confirm = page.locator("#campaign-confirm")
            await expect(confirm).to_be_focused()
            audience = (await api.data(PREVIEW, {"segment": SEGMENT}, token=admin))[
                "previewCampaignAudience"
            ]
            assert audience >= len(members)
            shown = page.locator("#campaign-audience")
            await expect(shown).to_have_attribute("data-audience", str(audience))
            await expect(shown).to_contain_text(
                f"would reach {audience:,} player(s) of {SEGMENT}, each credited {REWARD} gold"
                f" ({audience * REWARD:,} gold in all)"
            )
            await screenshots.take(page, "preview")
            await page.keyboard.press("Enter")
            await expect(status).to_contain_text(f"Scheduled “{gift}” for {SEGMENT}")
            row = listed(page, gift)
            await expect(row).to_have_attribute("data-status", "SCHEDULED")
            gift_id = await row.get_attribute("data-campaign-id")
            assert gift_id is not None
            await expect(cells(row)).to_have_text(
                [
                    *(gift, SEGMENT, due.strftime("%Y-%m-%d %H:%M:%S UTC"), "SCHEDULED"),
                    *(f"{REWARD} gold", "0", "0"),
                ]
            )
            await screenshots.take(page, "scheduled")

            # Chosen for cancelling while scheduled; sent meanwhile, so too late.
            await page.locator("#cancel-campaign").select_option(gift_id)
            await page.locator("#cancel-reason").fill("changed my mind")
            deadline = time.monotonic() + SEND_TIMEOUT_SECONDS
            sent: dict[str, Any] = {}
            while True:
                sent = (await api.data(CAMPAIGN, {"id": gift_id}, token=admin))["node"]
                if sent["status"] == "SENT":
                    break
                assert time.monotonic() < deadline, f"not sent in time: {sent}"
                await asyncio.sleep(0.2)
            await page.get_by_role("button", name="Cancel the campaign").click()
            await expect(cancel_status).to_have_text(
                "Too late to cancel: it has been sent to its players. Nothing was changed."
            )
            await expect(cancel_status).to_have_class(re.compile(r"\berror\b"))
            # The page read again: how far it went, as the API has it.
            assert sent["delivered"] == audience and sent["rewarded"] == audience
            await expect(row).to_have_attribute("data-status", "SENT")
            await expect(cells(row).nth(5)).to_have_text(f"{sent['delivered']:,}")
            await expect(cells(row).nth(6)).to_have_text(f"{sent['rewarded']:,}")
            await screenshots.take(page, "sent")

            reference = f"campaign:{row_id(gift_id)}"
            for member in members:
                token = member["accessToken"]
                notes = (await api.data(NOTIFICATIONS, token=token))["me"]["notifications"]
                assert {"title": gift, "body": f"{gift}: a gift for you"} in [
                    edge["node"] for edge in notes["edges"]
                ]
                ledger = (await api.data(LEDGER, token=token))["me"]["ledger"]["edges"]
                rewards = [
                    edge["node"]["amount"]
                    for edge in ledger
                    if edge["node"]["reason"] == "CAMPAIGN_REWARD"
                    and edge["node"]["reference"] == reference
                ]
                assert rewards == [REWARD]
            token = outsider["accessToken"]
            notes = (await api.data(NOTIFICATIONS, token=token))["me"]["notifications"]
            assert gift not in [edge["node"]["title"] for edge in notes["edges"]]
            ledger = (await api.data(LEDGER, token=token))["me"]["ledger"]["edges"]
            assert reference not in [edge["node"]["reference"] for edge in ledger]

            # Paging: over a page of campaigns (these far ahead), read as the API pages them.
            for k in range(PAGE):
                values = {
                    "segment": "WHALE",
                    "title": f"Filler {k}",
                    "body": "Later",
                    "sendAt": (datetime.now(UTC) + timedelta(days=30)).isoformat(),
                }
                answer = await api.data(SCHEDULE, {"input": values}, token=admin)
                assert answer["scheduleCampaign"]["__typename"] == "CampaignScheduled", answer
            await page.locator("#campaigns").get_by_role("button", name="Refresh").click()
            expected = await campaign_rows(api, admin, 2)
            assert len(expected) > PAGE
            rows = page.locator("#campaign-list tbody tr")
            await expect(page.locator("#campaigns-page")).to_have_text("Page 1")
            await expect(cells(rows)).to_have_text(row_texts(expected[:PAGE]))
            await page.locator("#campaigns").get_by_role("button", name="Older").click()
            await expect(page.locator("#campaigns-page")).to_have_text("Page 2")
            await expect(cells(rows)).to_have_text(row_texts(expected[PAGE:]))
            shown_ids = await rows.evaluate_all("rows => rows.map(r => r.dataset.campaignId)")
            assert shown_ids == [c["id"] for c in expected[PAGE:]]
            await screenshots.take(page, "page-2")
            await page.locator("#campaigns").get_by_role("button", name="Newer").click()
            await expect(page.locator("#campaigns-page")).to_have_text("Page 1")
            await expect(rows.first).to_have_attribute("data-campaign-id", expected[0]["id"])
        problems.assert_none()
