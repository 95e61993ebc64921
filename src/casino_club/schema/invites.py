"""Invite-code types (SPEC §5.3)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from casino_club.domain.invites import InviteState, remaining_uses
from casino_club.persistence.invite_codes import state_of
from casino_club.persistence.models import InviteCode as InviteCodeRow
from casino_club.schema.errors import (
    InviteCodeNotFound,
    InviteCodeProblem,
    InviteCodeTaken,
    ValidationFailed,
)


@strawberry.type(description="Whether a code can be used to sign up now.")
class InviteCodeValidation:
    valid: bool
    reason: InviteCodeProblem | None  # type: ignore[valid-type]
    remaining_uses: int | None = strawberry.field(description="null when unlimited")
    expires_at: datetime | None


@strawberry.type(description="An invite code as operators see it.")
class InviteCode:
    id: strawberry.ID
    code: str
    expires_at: datetime | None
    max_uses: int | None
    used_count: int
    remaining_uses: int | None
    disabled: bool
    created_at: datetime

    @classmethod
    def of(cls, row: InviteCodeRow) -> InviteCode:
        state: InviteState = state_of(row)
        return cls(
            id=strawberry.ID(str(row.id)),
            code=row.code,
            expires_at=row.expires_at,
            max_uses=row.max_uses,
            used_count=row.used_count,
            remaining_uses=remaining_uses(state),
            disabled=state.disabled,
            created_at=row.created_at,
        )


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
