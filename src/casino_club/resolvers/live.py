"""Publishing to subscribers, always after the transaction that caused it committed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from casino_club.domain.games import GameEventType
from casino_club.events import user_channel
from casino_club.persistence.wallet import Posted
from casino_club.services import Services


async def publish_balance(
    services: Services, user_id: int, posted: Sequence[Posted], at: datetime
) -> None:
    """One `balanceChanged` per ledger row, in ledger order."""
    for row in posted:
        await services.events.publish(
            user_channel(user_id),
            {
                "kind": "balance",
                "gold": row.balance_after,
                "delta": row.amount,
                "reason": row.reason.value,
                "at": at.isoformat(),
            },
        )


async def publish_game_event(
    services: Services,
    user_id: int,
    event_type: GameEventType,
    *,
    round_id: int | None,
    data: dict[str, Any],
    at: datetime,
) -> None:
    await services.events.publish(
        user_channel(user_id),
        {
            "kind": "game",
            "type": event_type.value,
            "roundId": round_id,
            "at": at.isoformat(),
            "data": data,
        },
    )
