"""Operators' missions (SPEC §8.3, §11): saveMission creates or edits by key, checked by
the domain's rules (a refused save stores nothing); an edit leaves the goal of a period
already under way; deleteMission removes a mission and the progress on it."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from sqlalchemy import func, select
from starlette.applications import Starlette

from casino_club.persistence.models import AuditLog, MissionProgress
from casino_club.services import Services
from tests.support import Api, row_id, spin

SAVE = """mutation S($input: SaveMissionInput!) { saveMission(input: $input) { __typename
  ... on MissionSaved { created mission { id key title description period event target
    rewardGold rewardXp minMultiplier minLevel active } }
  ... on ValidationFailed { code fields { field code } } } }"""
DELETE = """mutation D($input: DeleteMissionInput!) { deleteMission(input: $input) {
  __typename ... on MissionDeleted { key } ... on UserError { code } } }"""
LIST = "{ adminMissions { id key title target active } }"
MINE = "{ missions { mission { id target } progress target completed } }"


def mission_input(key: str, **changes: Any) -> dict[str, Any]:
    return {
        "key": key,
        "title": "Spin once",
        "period": "DAILY",
        "event": "SLOT_SPIN",
        "target": 1,
        "rewardGold": 10,
        "rewardXp": 1,
        **changes,
    }


async def save(api: Api, admin: str, data: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = (await api.data(SAVE, {"input": data}, token=admin))["saveMission"]
    return result


async def delete(api: Api, admin: str, key: str) -> dict[str, Any]:
    result: dict[str, Any] = (await api.data(DELETE, {"input": {"key": key}}, token=admin))[
        "deleteMission"
    ]
    return result


async def stored(api: Api, admin: str, key: str) -> list[dict[str, Any]]:
    return [m for m in (await api.data(LIST, token=admin))["adminMissions"] if m["key"] == key]


def unique_key() -> str:
    return f"m-{uuid.uuid4().hex[:12]}"


async def test_a_mission_is_created_edited_and_deleted(api: Api, admin_token: str) -> None:
    key = unique_key()
    created = await save(api, admin_token, mission_input(key, minLevel=3, description="Go"))
    assert created["__typename"] == "MissionSaved" and created["created"] is True
    mission = created["mission"]
    assert (mission["key"], mission["target"], mission["minLevel"], mission["active"]) == (
        key,
        1,
        3,
        True,
    )
    edited = await save(api, admin_token, {"key": key, "title": "Spin twice", "target": 2})
    assert edited["created"] is False
    assert {
        k: edited["mission"][k] for k in ("id", "title", "target", "minLevel", "description")
    } == {
        "id": mission["id"],
        "title": "Spin twice",
        "target": 2,
        "minLevel": 3,
        "description": "Go",
    }
    cleared = await save(api, admin_token, {"key": key, "minLevel": None, "active": False})
    assert (cleared["mission"]["minLevel"], cleared["mission"]["active"]) == (None, False)
    assert [m["title"] for m in await stored(api, admin_token, key)] == ["Spin twice"]
    assert await delete(api, admin_token, key) == {"__typename": "MissionDeleted", "key": key}
    assert await stored(api, admin_token, key) == []
    assert (await delete(api, admin_token, key))["code"] == "MISSION_NOT_FOUND"


async def test_a_refused_save_stores_nothing(api: Api, admin_token: str) -> None:
    key = unique_key()
    refusals = [
        (mission_input("Not A Key"), "input"),
        (mission_input(key, target=0), "input"),
        (mission_input(key, rewardGold=-1), "input"),
        (mission_input(key, title=""), "input"),
        (mission_input(key, title="x" * 121), "input"),
        (mission_input(key, minLevel=0), "input"),
        (mission_input(key, minMultiplier=2.0), "input"),  # not a crash cash-out mission
        (mission_input(key, event="CRASH_CASHOUT", minMultiplier=1.0), "input"),
        (mission_input(key, event="CRASH_CASHOUT", minMultiplier=2.005), "minMultiplier"),
        (mission_input(key, title=None), "title"),
        ({"key": key, "title": "only a title"}, "period"),
    ]
    for data, field in refusals:
        answer = await save(api, admin_token, data)
        assert answer["__typename"] == "ValidationFailed", (data, answer)
        assert field in [f["field"] for f in answer["fields"]], (data, answer)
    assert await stored(api, admin_token, key) == []
    crash = await save(
        api, admin_token, mission_input(key, event="CRASH_CASHOUT", minMultiplier=2.5)
    )
    assert crash["mission"]["minMultiplier"] == 2.5
    assert (await save(api, admin_token, {"key": key, "event": "SLOT_SPIN"}))[
        "__typename"
    ] == "ValidationFailed"  # the multiplier it keeps is for cash-outs only
    await delete(api, admin_token, key)


async def test_an_edit_leaves_the_goal_of_the_period_under_way(
    api: Api, app: Starlette, admin_token: str
) -> None:
    services: Services = app.state.services
    key = unique_key()
    mission_id = (await save(api, admin_token, mission_input(key, target=3)))["mission"]["id"]
    token = (await api.new_player())["accessToken"]
    fresh = (await api.new_player())["accessToken"]
    assert (await spin(api, token, 10))["__typename"] == "SlotSpinSuccess"
    await save(api, admin_token, {"key": key, "target": 5})
    mine = [
        m
        for m in (await api.data(MINE, token=token))["missions"]
        if m["mission"]["id"] == mission_id
    ]
    theirs = [
        m
        for m in (await api.data(MINE, token=fresh))["missions"]
        if m["mission"]["id"] == mission_id
    ]
    assert [(m["mission"]["target"], m["target"], m["progress"]) for m in mine] == [(5, 3, 1)]
    assert [(m["mission"]["target"], m["target"], m["progress"]) for m in theirs] == [(5, 5, 0)]
    await delete(api, admin_token, key)
    assert all(
        m["mission"]["id"] != mission_id for m in (await api.data(MINE, token=token))["missions"]
    )
    async with services.sessionmaker() as session:
        left = await session.scalar(
            select(func.count()).where(MissionProgress.mission_id == row_id(mission_id))
        )
    assert left == 0


async def test_twenty_simultaneous_creates_of_one_key_make_it_once(
    api: Api, app: Starlette, admin_token: str
) -> None:
    """The losers of the insert race become edits (resolvers/saving.retrying_a_race):
    one mission, one creation, every answer a save."""
    key = unique_key()
    answers = await asyncio.gather(*(save(api, admin_token, mission_input(key)) for _ in range(20)))
    try:
        assert sorted(a["created"] for a in answers) == [False] * 19 + [True]
        assert len(await stored(api, admin_token, key)) == 1
        async with app.state.services.sessionmaker() as session:
            actions = list(
                await session.scalars(
                    select(AuditLog.action).where(AuditLog.target == f"mission:{key}")
                )
            )
        assert sorted(actions) == ["MISSION_CREATE"] + ["MISSION_UPDATE"] * 19
    finally:
        await delete(api, admin_token, key)
