"""The root Subscription."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Any

import strawberry
from strawberry.types import Info

from casino_club.context import Context
from casino_club.schema.permissions import BadUserInput, IsAuthenticated, require_viewer


@strawberry.type(description="Proof of a live, authenticated subscription.")
class Heartbeat:
    at: datetime
    user_id: strawberry.ID
    nickname: str


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description=(
            "A heartbeat for the caller: one at once, then every intervalSeconds (1–60). "
            "Ends with UNAUTHENTICATED when the session is logged out or the player banned."
        ),
        permission_classes=[IsAuthenticated],
    )
    async def heartbeat(
        self, info: Info[Context, Any], interval_seconds: int = 15
    ) -> AsyncGenerator[Heartbeat, None]:
        if not 1 <= interval_seconds <= 60:
            raise BadUserInput("intervalSeconds must be between 1 and 60")
        while True:
            # The context lives as long as the connection: re-check the session each beat.
            info.context.reset_viewer()
            viewer = await require_viewer(info)
            yield Heartbeat(
                at=info.context.services.clock.now(),
                user_id=strawberry.ID(str(viewer.id)),
                nickname=viewer.user.nickname,
            )
            await asyncio.sleep(interval_seconds)
