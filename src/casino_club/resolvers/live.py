"""Publishing to subscribers, always after the transaction that caused it committed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from casino_club.domain.games import GameEventType
from casino_club.domain.ids import NodeKind, global_id
from casino_club.domain.ledger import Posted
from casino_club.domain.missions import Advance
from casino_club.domain.progression import NOTHING, Progression
from casino_club.live.events import MONITOR_CHANNEL, user_channel
from casino_club.persistence.unit_of_work import InTransaction
from casino_club.services import Services


def balance_events(posted: Sequence[Posted], at: datetime) -> list[dict[str, Any]]:
    """One `balanceChanged` per ledger row, in ledger order."""
    return [
        {
            "kind": "balance",
            "gold": row.balance_after,
            "delta": row.amount,
            "reason": row.reason.value,
            "at": at.isoformat(),
        }
        for row in posted
    ]


def game_event(
    event_type: GameEventType, *, round_id: int | None, data: dict[str, Any], at: datetime
) -> dict[str, Any]:
    return {
        "kind": "game",
        "type": event_type.value,
        "roundId": round_id,
        "at": at.isoformat(),
        "data": data,
    }


def progression_events(progression: Progression, at: datetime) -> list[dict[str, Any]]:
    """What an action moved forward: MISSION_PROGRESS for each mission it advanced, then
    MISSION_COMPLETED for each it completed (SPEC §8.3), and LEVEL_UP if its XP reached
    a new level (§8.2)."""

    def mission_event(event_type: GameEventType, advance: Advance) -> dict[str, Any]:
        data = {
            "missionId": global_id(NodeKind.MISSION, advance.mission_id),
            "progress": advance.progress,
            "target": advance.target,
        }
        return game_event(event_type, round_id=None, data=data, at=at)

    advanced = progression.missions
    events = [mission_event(GameEventType.MISSION_PROGRESS, a) for a in advanced]
    events += [mission_event(GameEventType.MISSION_COMPLETED, a) for a in advanced if a.completed]
    if progression.level_reached is not None:
        level = {"level": progression.level_reached}
        events.append(game_event(GameEventType.LEVEL_UP, round_id=None, data=level, at=at))
    return events


def bet_events(
    posted: Sequence[Posted],
    event_type: GameEventType,
    *,
    round_id: int,
    data: dict[str, Any],
    at: datetime,
    progression: Progression = NOTHING,
) -> list[dict[str, Any]]:
    """What a bet tells its player: the balance after each ledger row, the game event,
    and what the bet moved forward."""
    return [
        *balance_events(posted, at),
        game_event(event_type, round_id=round_id, data=data, at=at),
        *progression_events(progression, at),
    ]


async def publish(
    services: Services,
    user_id: int,
    events: Sequence[dict[str, Any]],
    *,
    key: str | None = None,
    retry: bool = False,
) -> None:
    """Send a player's events, after the commit that caused them, and their game events
    to the operators' monitor too; if Redis will not take them now, the outbox keeps them
    for later (never raises). `key` names them wherever they are published from (a bet's);
    `retry`: they may have gone out already under it (EventOutbox.publish)."""
    monitored = [{**e, "userId": user_id} for e in events if e["kind"] == "game"]
    await services.outbox.publish(
        [(user_channel(user_id), events), (MONITOR_CHANNEL, monitored)], key, retry
    )


def publish_after_commit(
    services: Services, uow: InTransaction, user_id: int, events: Sequence[dict[str, Any]]
) -> None:
    """Send a player's events once the transaction that caused them commits."""

    async def send() -> None:
        await publish(services, user_id, events)

    uow.after_commit(send)
