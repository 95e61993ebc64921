"""Operators manage missions (SPEC §8.3, §11): save creates or edits one by its key
(resolvers/saving.py), delete removes it with every player's progress on it. Audited."""

from __future__ import annotations

from typing import Any

from casino_club.context import Context, Viewer
from casino_club.domain.hundredths import float_hundredths
from casino_club.domain.missions import (
    Mission,
    MissionDeleted,
    MissionNotFound,
    MissionSaved,
    StoredMission,
)
from casino_club.domain.refusals import ValidationFailed
from casino_club.persistence import audit, missions
from casino_club.resolvers.saving import audit_change, merge, plain, retrying_a_race
from casino_club.services import Services


def _values(sent: dict[str, Any]) -> dict[str, Any] | ValidationFailed:
    """The fields sent, as the domain holds them (a multiplier in hundredths)."""
    values = dict(sent)
    multiplier = values.get("min_multiplier")
    if multiplier is not None:
        hundredths = float_hundredths(multiplier)
        if hundredths is None:
            return ValidationFailed.single(
                "minMultiplier", "INVALID_MULTIPLIER", "a multiplier with at most two decimals"
            )
        values["min_multiplier"] = hundredths
    return values


async def _save_once(
    context: Context, viewer: Viewer, key: str, sent: dict[str, Any]
) -> MissionSaved | ValidationFailed:
    services = context.services
    values = _values(sent)
    if isinstance(values, ValidationFailed):
        return values
    now = services.clock.now()
    async with services.unit_of_work() as uow:
        session = uow.session
        before = await missions.by_key(session, key)
        mission = merge(
            Mission,
            None if before is None else before.mission,
            values,
            nullable={"min_multiplier", "min_level"},
        )
        if isinstance(mission, ValidationFailed):
            return mission
        saved = await missions.save(session, mission, now, new=before is None)
        await audit_change(
            services,
            session,
            viewer,
            "MISSION",
            f"mission:{mission.key}",
            None if before is None else before.mission,
            mission,
        )
        await uow.commit()
    return MissionSaved(mission=saved, created=before is None)


async def save(
    context: Context, viewer: Viewer, sent: dict[str, Any]
) -> MissionSaved | ValidationFailed:
    """`sent`: the input's fields the operator sent, by their Python names (`key`
    among them); a field left out keeps its stored value."""
    key = sent["key"]
    return await retrying_a_race(lambda: _save_once(context, viewer, key, sent))


async def delete(context: Context, viewer: Viewer, key: str) -> MissionDeleted | MissionNotFound:
    services = context.services
    async with services.unit_of_work() as uow:
        session = uow.session
        before = await missions.by_key(session, key)
        if before is None:
            return MissionNotFound()
        await missions.delete_with_progress(session, before.id)
        await audit.record(
            session,
            actor_id=viewer.id,
            action="MISSION_DELETE",
            target=f"mission:{before.mission.key}",
            before=plain(before.mission),
            after=None,
            now=services.clock.now(),
        )
        await uow.commit()
    return MissionDeleted(key=before.mission.key)


async def every(services: Services) -> list[StoredMission]:
    async with services.sessionmaker() as session:
        return await missions.every(session)
