"""Invite codes: anyone may check one; operators create and disable them (SPEC §5.3)."""

from __future__ import annotations

import re
import secrets

from casino_club.context import Context, Viewer
from casino_club.domain.invites import invite_problem, remaining_uses
from casino_club.domain.refusals import ValidationFailed
from casino_club.persistence import audit, invite_codes
from casino_club.schema.errors import InviteCodeNotFound, InviteCodeTaken
from casino_club.schema.invites import (
    CreateInviteCodeInput,
    CreateInviteCodeResult,
    DisableInviteCodeInput,
    DisableInviteCodeResult,
    InviteCode,
    InviteCodePayload,
    InviteCodeValidation,
)

CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]{4,32}")


async def validate_invite_code(context: Context, code: str) -> InviteCodeValidation:
    now = context.services.clock.now()
    async with context.services.sessionmaker() as session:
        row = await invite_codes.by_code(session, code[:64])
    state = None if row is None else invite_codes.state_of(row)
    problem = invite_problem(state, now)
    return InviteCodeValidation(
        valid=problem is None,
        reason=problem,
        remaining_uses=None if state is None or problem is not None else remaining_uses(state),
        expires_at=None if row is None or problem is not None else row.expires_at,
    )


async def create_invite_code(
    context: Context, viewer: Viewer, data: CreateInviteCodeInput
) -> CreateInviteCodeResult:
    now = context.services.clock.now()
    code = data.code if data.code is not None else secrets.token_hex(4).upper()
    if not CODE_PATTERN.fullmatch(code):
        return ValidationFailed.single(
            "code", "INVALID_CODE", "code must be 4-32 characters of A-Z, a-z, 0-9, - and _"
        )
    if data.max_uses is not None and data.max_uses < 1:
        return ValidationFailed.single("maxUses", "INVALID_MAX_USES", "maxUses must be at least 1")
    if data.expires_at is not None and (data.expires_at.tzinfo is None or data.expires_at <= now):
        return ValidationFailed.single(
            "expiresAt", "INVALID_EXPIRES_AT", "expiresAt must be a future time with a time zone"
        )
    async with context.services.unit_of_work() as uow:
        if await invite_codes.by_code(uow.session, code) is not None:
            return InviteCodeTaken.new()
        row = await invite_codes.create(
            uow.session,
            code=code,
            max_uses=data.max_uses,
            expires_at=data.expires_at,
            created_by=viewer.id,
            now=now,
        )
        await audit.record(
            uow.session,
            actor_id=viewer.id,
            action="INVITE_CODE_CREATE",
            target=f"invite:{code}",
            before=None,
            after={"maxUses": data.max_uses, "expiresAt": data.expires_at},
            now=now,
        )
        await uow.commit()
    return InviteCodePayload(invite_code=InviteCode.of(row))


async def disable_invite_code(
    context: Context, viewer: Viewer, data: DisableInviteCodeInput
) -> DisableInviteCodeResult:
    now = context.services.clock.now()
    async with context.services.unit_of_work() as uow:
        row = await invite_codes.by_code(uow.session, data.code[:64])
        if row is None:
            return InviteCodeNotFound.new()
        if row.disabled_at is None:
            row.disabled_at = now
            await audit.record(
                uow.session,
                actor_id=viewer.id,
                action="INVITE_CODE_DISABLE",
                target=f"invite:{row.code}",
                before={"disabled": False},
                after={"disabled": True},
                now=now,
            )
        await uow.commit()
    return InviteCodePayload(invite_code=InviteCode.of(row))
