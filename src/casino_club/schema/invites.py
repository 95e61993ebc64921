"""Invite-code types (SPEC §5.3)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import relay

from casino_club.domain import invites
from casino_club.schema.errors import (
    InviteCodeNotFound,
    InviteCodeProblem,
    InviteCodeTaken,
    ValidationFailed,
)
from casino_club.schema.outcomes import presents


@presents(invites.InviteCodeValidation)
@strawberry.type(description="Whether a code can be used to sign up now.")
class InviteCodeValidation:
    valid: bool
    reason: InviteCodeProblem | None  # type: ignore[valid-type]
    remaining_uses: int | None = strawberry.field(description="null when unlimited")
    expires_at: datetime | None


@presents(invites.InviteCode)
@strawberry.type(description="An invite code as operators see it.")
class InviteCode(relay.Node):
    id: relay.NodeID[int]
    code: str
    expires_at: datetime | None
    max_uses: int | None
    used_count: int
    remaining_uses: int | None
    disabled: bool
    created_at: datetime


@strawberry.input
class CreateInviteCodeInput:
    code: str | None = strawberry.field(
        default=None, description="4–32 characters of A–Z, 0–9, - and _; random when omitted"
    )
    max_uses: int | None = strawberry.field(default=None, description="null for unlimited")
    expires_at: datetime | None = None


@strawberry.input
class DisableInviteCodeInput:
    code: str


@presents(invites.InviteCodePayload)
@strawberry.type
class InviteCodePayload:
    invite_code: InviteCode


CreateInviteCodeResult = Annotated[
    InviteCodePayload | InviteCodeTaken | ValidationFailed,
    strawberry.union("CreateInviteCodeResult"),
]
DisableInviteCodeResult = Annotated[
    InviteCodePayload | InviteCodeNotFound,
    strawberry.union("DisableInviteCodeResult"),
]
