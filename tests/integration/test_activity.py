"""recordActivity: what a client tells of its player's activity, on both backends. Each
eventId counts once (also 20 sent at once); personal keys never reach the table (read
directly); bad metadata is refused and stores nothing; a player's events are throttled
per minute; the totals and last login, play and purchase are private to the player and
operators."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from sqlalchemy import func, select
from starlette.applications import Starlette

from casino_club.config import Settings
from casino_club.persistence.models import ActivityEvent
from casino_club.services import Services
from tests.conftest import api_for, running_app
from tests.integration.shop.support import buy
from tests.support import Api, error_codes, spin

RECORD = """mutation R($input: RecordActivityInput!) { recordActivity(input: $input) {
  __typename
  ... on ActivityRecorded { eventId duplicate }
  ... on ValidationFailed { fields { field code } }
  ... on RateLimited { retryAfterMs } } }"""
ACTIVITY = """{ me { activity { counts { screenViews shopOpens buyClicks bonusUses playSeconds }
  lastSeenAt lastLoginAt lastPlayAt lastPurchaseAt } } }"""
OTHERS = """query U($id: ID!) { user(id: $id) { activity { counts { screenViews } } } }"""


async def record(
    api: Api, token: str, event_type: str, metadata: Any = None, event_id: str | None = None
) -> dict[str, Any]:
    variables = {
        "input": {
            "eventType": event_type,
            "eventId": event_id or uuid.uuid4().hex,
            "metadata": metadata,
        }
    }
    answer: dict[str, Any] = (await api.data(RECORD, variables, token=token))["recordActivity"]
    return answer


async def stored(app: Starlette, user_id: str | None = None) -> list[dict[str, Any]]:
    """Every kept event's metadata, as the table holds it."""
    services: Services = app.state.services
    async with services.sessionmaker() as session:
        rows = await session.scalars(select(ActivityEvent.event_metadata))
        return list(rows.all())


async def count_events(app: Starlette) -> int:
    services: Services = app.state.services
    async with services.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(ActivityEvent)) or 0)


async def test_events_add_up_to_the_players_totals(api: Api) -> None:
    token = (await api.new_player())["accessToken"]
    for event_type, metadata in [
        ("SCREEN_VIEW", {"screen": "lobby"}),
        ("SCREEN_VIEW", {"screen": "shop"}),
        ("SHOP_OPENED", None),
        ("BUY_CLICKED", {"sku": "starter"}),
        ("BONUS_USED", {"bonus": "daily"}),
        ("PLAY_DURATION", {"seconds": 90}),
        ("PLAY_DURATION", {"seconds": 30}),
    ]:
        answer = await record(api, token, event_type, metadata)
        assert answer["__typename"] == "ActivityRecorded" and not answer["duplicate"], answer
    activity = (await api.data(ACTIVITY, token=token))["me"]["activity"]
    assert activity["counts"] == {
        "screenViews": 2,
        "shopOpens": 1,
        "buyClicks": 1,
        "bonusUses": 1,
        "playSeconds": 120,
    }
    assert activity["lastSeenAt"] is not None


async def test_an_event_id_counts_once_even_twenty_at_once(api: Api) -> None:
    token = (await api.new_player())["accessToken"]
    event_id = f"evt-{uuid.uuid4().hex}"
    answers = await asyncio.gather(
        *(record(api, token, "PLAY_DURATION", {"seconds": 10}, event_id) for _ in range(20))
    )
    assert sorted(answer["duplicate"] for answer in answers) == [False] + [True] * 19
    assert {answer["eventId"] for answer in answers} == {event_id}
    activity = (await api.data(ACTIVITY, token=token))["me"]["activity"]
    assert activity["counts"]["playSeconds"] == 10


async def test_personal_keys_never_reach_the_table(api: Api, app: Starlette) -> None:
    token = (await api.new_player())["accessToken"]
    marker = uuid.uuid4().hex
    metadata = {
        "marker": marker,
        "Password": "hunter2",
        "user_email": "a@example.com",
        "phoneNumber": "+82 10 1234 5678",
        "nested": {"card-number": "4242424242424242", "screen": "shop"},
        "list": [{"CVV": 123, "ok": True}],
    }
    answer = await record(api, token, "SCREEN_VIEW", metadata)
    assert answer["__typename"] == "ActivityRecorded"
    [kept] = [row for row in await stored(app) if row.get("marker") == marker]
    assert kept == {"marker": marker, "nested": {"screen": "shop"}, "list": [{"ok": True}]}
    text = str(kept)
    for secret in ("hunter2", "example.com", "1234", "4242", "123"):
        assert secret not in text.replace(marker, "")


async def test_bad_events_are_refused_and_store_nothing(api: Api, app: Starlette) -> None:
    token = (await api.new_player())["accessToken"]
    before = await count_events(app)
    cases = [
        ("SCREEN_VIEW", ["not", "an", "object"], None, "metadata"),
        ("SCREEN_VIEW", {"blob": "x" * 3000}, None, "metadata"),
        ("SCREEN_VIEW", {"a": {"b": {"c": {"d": 1}}}}, None, "metadata"),
        ("PLAY_DURATION", {"seconds": 0}, None, "metadata"),
        ("PLAY_DURATION", {"seconds": "90"}, None, "metadata"),
        ("SCREEN_VIEW", None, "has spaces", "eventId"),
        ("SCREEN_VIEW", None, "x" * 65, "eventId"),
    ]
    for event_type, metadata, event_id, field in cases:
        answer = await record(api, token, event_type, metadata, event_id)
        assert answer["__typename"] == "ValidationFailed", (metadata, answer)
        assert [f["field"] for f in answer["fields"]] == [field]
    far = {
        "input": {
            "eventType": "SCREEN_VIEW",
            "eventId": "far",
            "clientTs": "2020-01-01T00:00:00+00:00",
        }
    }
    answer = (await api.data(RECORD, far, token=token))["recordActivity"]
    assert answer["fields"] == [{"field": "clientTs", "code": "OUT_OF_RANGE"}]
    naive = {
        "input": {"eventType": "SCREEN_VIEW", "eventId": "n", "clientTs": "2026-12-06T12:00:00"}
    }
    answer = (await api.data(RECORD, naive, token=token))["recordActivity"]
    assert answer["fields"] == [{"field": "clientTs", "code": "INVALID"}]
    unknown = {"input": {"eventType": "SOMETHING", "eventId": "u"}}
    assert error_codes(await api.execute(RECORD, unknown, token=token)) == ["BAD_USER_INPUT"]
    assert await count_events(app) == before


async def test_a_players_events_are_throttled_per_minute(settings: Settings) -> None:
    limited = settings.model_copy(update={"activity_events_per_minute_per_player": 3})
    async with running_app(limited) as app, api_for(app) as api:
        token = (await api.new_player())["accessToken"]
        answers = [await record(api, token, "SCREEN_VIEW") for _ in range(4)]
        assert [a["__typename"] for a in answers] == ["ActivityRecorded"] * 3 + ["RateLimited"]
        assert answers[3]["retryAfterMs"] > 0
        other = (await api.new_player())["accessToken"]
        assert (await record(api, other, "SCREEN_VIEW"))["__typename"] == "ActivityRecorded"


async def test_last_login_play_and_purchase_come_from_their_records(
    api: Api, admin_token: str
) -> None:
    player = await api.new_player()
    token = player["accessToken"]
    fresh = (await api.data(ACTIVITY, token=token))["me"]["activity"]
    assert fresh == {
        "counts": {
            "screenViews": 0,
            "shopOpens": 0,
            "buyClicks": 0,
            "bonusUses": 0,
            "playSeconds": 0,
        },
        "lastSeenAt": None,
        "lastLoginAt": None,
        "lastPlayAt": None,
        "lastPurchaseAt": None,
    }
    await spin(api, token, 10)
    bought = await buy(api, token)
    assert bought["__typename"] == "PurchaseSucceeded", bought
    login = await api.login(player["user"]["siteId"])
    activity = (await api.data(ACTIVITY, token=login["accessToken"]))["me"]["activity"]
    assert activity["lastPlayAt"] is not None
    assert activity["lastPurchaseAt"] is not None
    assert activity["lastLoginAt"] is not None
    # Private: an operator reads it, another player does not.
    variables = {"id": player["user"]["id"]}
    seen = await api.data(OTHERS, variables, token=admin_token)
    assert seen["user"]["activity"]["counts"]["screenViews"] == 0
    stranger = (await api.new_player())["accessToken"]
    assert error_codes(await api.execute(OTHERS, variables, token=stranger)) == ["FORBIDDEN"]
