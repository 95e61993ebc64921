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
    valid: bool = strawberry.field(description="True when the code can be used to sign up now.")
    reason: InviteCodeProblem | None = strawberry.field(  # type: ignore[valid-type]
        description="Why it cannot be used; null when valid."
    )
    remaining_uses: int | None = strawberry.field(description="null when unlimited")
    expires_at: datetime | None = strawberry.field(
        description="When it stops working; null when it never expires, or when not valid."
    )


@presents(invites.InviteCode)
@strawberry.type(description="An invite code as operators see it.")
class InviteCode(relay.Node):
    id: relay.NodeID[int]
    code: str = strawberry.field(description="The text a player types at sign-up.")
    expires_at: datetime | None = strawberry.field(
        description="When it stops working; null: never."
    )
    max_uses: int | None = strawberry.field(
        description="How many sign-ups it allows; null: unlimited."
    )
    used_count: int = strawberry.field(description="Sign-ups that used it.")
    remaining_uses: int | None = strawberry.field(
        description="maxUses − usedCount (never below 0); null when unlimited."
    )
    disabled: bool = strawberry.field(
        description="Disabled by an operator: sign-ups answer NOT_FOUND."
    )
    created_at: datetime = strawberry.field(description="When it was created.")


@strawberry.input(description="A new invite code (admin).")
class CreateInviteCodeInput:
    code: str | None = strawberry.field(
        default=None, description="4–32 characters of A–Z, 0–9, - and _; random when omitted"
    )
    max_uses: int | None = strawberry.field(default=None, description="null for unlimited")
    expires_at: datetime | None = strawberry.field(
        default=None, description="When it stops working (with a UTC offset); null: never."
    )


@strawberry.input(
    description="Which invite code to disable (admin); sign-ups then answer NOT_FOUND for it."
)
class DisableInviteCodeInput:
    code: str = strawberry.field(description="The invite code's text.")


@presents(invites.InviteCodePayload)
@strawberry.type(description="The invite code as it now stands.")
class InviteCodePayload:
    invite_code: InviteCode = strawberry.field(description="The code created or disabled.")


CreateInviteCodeResult = Annotated[
    InviteCodePayload | InviteCodeTaken | ValidationFailed,
    strawberry.union(
        "CreateInviteCodeResult",
        description="createInviteCode's answer: the new code, or why none was created.",
    ),
]
DisableInviteCodeResult = Annotated[
    InviteCodePayload | InviteCodeNotFound,
    strawberry.union(
        "DisableInviteCodeResult",
        description="disableInviteCode's answer: the disabled code, or InviteCodeNotFound.",
    ),
]
