"""The operators' audit log (SPEC §11): every admin change is one row with who, what, on
what, before and after, and the request that made it; only operators read it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from starlette.applications import Starlette

from casino_club.services import Services
from tests.support import Api, error_codes, row_id

SET_RANK = """mutation R($input: SetUserRankInput!) { setUserRank(input: $input) {
  __typename } }"""
AUDIT = """query A($filter: AuditLogFilter, $after: String) {
  auditLog(filter: $filter, first: 2, after: $after) {
    edges { cursor node { id actorId action target before after requestId at } }
    pageInfo { hasNextPage endCursor } } }"""


async def rank(api: Api, admin: str, user_id: str, value: str, request_id: str) -> None:
    await api.execute(
        SET_RANK,
        {"input": {"userId": user_id, "rank": value}},
        token=admin,
        headers={"X-Request-ID": request_id},
    )


async def entries(api: Api, admin: str, where: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    after = None
    while True:
        page = (await api.data(AUDIT, {"filter": where, "after": after}, token=admin))["auditLog"]
        found.extend(edge["node"] for edge in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


async def test_each_change_is_one_row_with_its_request(api: Api, admin_token: str) -> None:
    player = await api.new_player()
    user_id = player["user"]["id"]
    await rank(api, admin_token, user_id, "PREMIUM", "req-rank-premium-1")
    await rank(api, admin_token, user_id, "VIP", "req-rank-vip-2")
    await rank(api, admin_token, user_id, "STANDARD", "req-rank-standard-3")
    rows = await entries(api, admin_token, {"target": f"user:{row_id(user_id)}"})
    assert [(r["action"], r["before"], r["after"], r["requestId"]) for r in rows] == [
        ("USER_SET_RANK", {"rank": "VIP"}, {"rank": "STANDARD"}, "req-rank-standard-3"),
        ("USER_SET_RANK", {"rank": "PREMIUM"}, {"rank": "VIP"}, "req-rank-vip-2"),
        ("USER_SET_RANK", {"rank": "STANDARD"}, {"rank": "PREMIUM"}, "req-rank-premium-1"),
    ]  # newest first, three pages of two at most
    admin_id = (await api.data("{ me { id } }", token=admin_token))["me"]["id"]
    assert {r["actorId"] for r in rows} == {admin_id}
    only_vip = await entries(
        api,
        admin_token,
        {"target": f"user:{row_id(user_id)}", "action": "USER_SET_RANK", "actorId": admin_id},
    )
    assert len(only_vip) == 3
    at = datetime.fromisoformat(rows[0]["at"])
    target = f"user:{row_id(user_id)}"
    assert len(await entries(api, admin_token, {"target": target, "since": at.isoformat()})) == 3
    later = (at + timedelta(seconds=1)).isoformat()
    assert await entries(api, admin_token, {"target": target, "since": later}) == []


@pytest.mark.parametrize(
    "where",
    [
        {"actorId": "not-a-number"},
        {"actorId": "9" * 40},
        {"target": "t" * 5_000},
        {"action": "NO_SUCH_ACTION"},
    ],
)
async def test_a_filter_nothing_matches_is_an_empty_page(
    api: Api, admin_token: str, where: dict[str, Any]
) -> None:
    assert await entries(api, admin_token, where) == []


@pytest.mark.parametrize("who", ["player", "anonymous"])
async def test_only_operators_read_the_audit_log(api: Api, who: str) -> None:
    token = (await api.new_player())["accessToken"] if who == "player" else None
    body = await api.execute(AUDIT, {}, token=token)
    assert error_codes(body) == ["FORBIDDEN" if who == "player" else "UNAUTHENTICATED"]


@pytest.mark.parametrize("since", ["0001-01-01T00:00:00+14:00", "2026-01-01T00:00:00"])
async def test_a_since_off_the_calendar_or_without_offset_is_bad_input(
    api: Api, admin_token: str, since: str
) -> None:
    body = await api.execute(AUDIT, {"filter": {"since": since}}, token=admin_token)
    assert error_codes(body) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET action = 'NOTHING_HAPPENED'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",  # PostgreSQL's; SQLite has no TRUNCATE (DELETE is its form)
    ],
)
async def test_the_database_refuses_to_change_or_remove_an_audit_row(
    api: Api, app: Starlette, admin_token: str, statement: str
) -> None:
    """Whoever asks — a manual fix, a script — not only the application's code."""
    player = await api.new_player()
    await rank(api, admin_token, player["user"]["id"], "VIP", "req-append-only")
    services: Services = app.state.services
    if services.engine.dialect.name == "sqlite" and statement.startswith("TRUNCATE"):
        statement = "DELETE FROM audit_log WHERE id > 0"
    async with services.sessionmaker() as session:
        before = (await session.execute(text("SELECT id, action FROM audit_log"))).all()
        with pytest.raises(DBAPIError, match="audit_log is append-only"):
            await session.execute(text(statement))
        await session.rollback()
        after = (await session.execute(text("SELECT id, action FROM audit_log"))).all()
    assert before and after == before
