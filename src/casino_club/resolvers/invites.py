"""Invite codes: anyone may check one; operators create, list and disable them (SPEC §5.3)."""

from __future__ import annotations

import re
import secrets
from datetime import datetime

from casino_club.context import Context, Viewer
from casino_club.domain.invites import (
    InviteCode,
    InviteCodeNotFound,
    InviteCodePayload,
    InviteCodeTaken,
    InviteCodeValidation,
    invite_problem,
    remaining_uses,
)
from casino_club.domain.refusals import ValidationFailed
from casino_club.persistence import audit, invite_codes
from casino_club.persistence.models import InviteCode as InviteCodeRow
from casino_club.services import Services

CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]{4,32}")


def invite_code_of(row: InviteCodeRow) -> InviteCode:
    state = invite_codes.state_of(row)
    return InviteCode(
        id=row.id,
        code=row.code,
        expires_at=row.expires_at,
        max_uses=row.max_uses,
        used_count=row.used_count,
        remaining_uses=remaining_uses(state),
        disabled=state.disabled,
        created_at=row.created_at,
    )


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


async def invite_code_page(
    services: Services, *, after_id: int | None, limit: int
) -> list[InviteCode]:
    """Up to `limit` codes after `after_id`, newest first (a keyset page: ask for one more
    than the page to learn whether another follows)."""
    async with services.sessionmaker() as session:
        rows = await invite_codes.page(session, after_id=after_id, limit=limit)
    return [invite_code_of(row) for row in rows]


async def create_invite_code(
    context: Context,
    viewer: Viewer,
    code: str | None,
    max_uses: int | None,
    expires_at: datetime | None,
) -> InviteCodePayload | InviteCodeTaken | ValidationFailed:
    now = context.services.clock.now()
    code = code if code is not None else secrets.token_hex(4).upper()
    if not CODE_PATTERN.fullmatch(code):
        return ValidationFailed.single(
            "code", "INVALID_CODE", "code must be 4-32 characters of A-Z, a-z, 0-9, - and _"
        )
    if max_uses is not None and max_uses < 1:
        return ValidationFailed.single("maxUses", "INVALID_MAX_USES", "maxUses must be at least 1")
    if expires_at is not None and (expires_at.tzinfo is None or expires_at <= now):
        return ValidationFailed.single(
            "expiresAt", "INVALID_EXPIRES_AT", "expiresAt must be a future time with a time zone"
        )
    async with context.services.unit_of_work() as uow:
        if await invite_codes.by_code(uow.session, code) is not None:
            return InviteCodeTaken()
        row = await invite_codes.create(
            uow.session,
            code=code,
            max_uses=max_uses,
            expires_at=expires_at,
            created_by=viewer.id,
            now=now,
        )
        await audit.record(
            uow.session,
            actor_id=viewer.id,
            action="INVITE_CODE_CREATE",
            target=f"invite:{code}",
            before=None,
            after={"maxUses": max_uses, "expiresAt": expires_at},
            now=now,
        )
        await uow.commit()
    return InviteCodePayload(invite_code=invite_code_of(row))


async def disable_invite_code(
    context: Context, viewer: Viewer, code: str
) -> InviteCodePayload | InviteCodeNotFound:
    now = context.services.clock.now()
    async with context.services.unit_of_work() as uow:
        row = await invite_codes.by_code(uow.session, code[:64])
        if row is None:
            return InviteCodeNotFound()
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
    return InviteCodePayload(invite_code=invite_code_of(row))


async def signup_warning(services: Services) -> str | None:
    """What a production server says at start about sign-ups (the development invite code
    is not seeded there): that nobody can sign up until an operator creates a code, or
    that the development code is open to anyone. None when neither."""
    settings = services.settings
    async with services.unit_of_work() as uow:
        codes = await invite_codes.usable_codes(uow.session, services.clock.now())
    if not codes:
        return (
            "no usable invite code: nobody can sign up until an operator creates one "
            "(createInviteCode)"
        )
    if settings.default_invite_code in codes:
        return (
            f"the development invite code {settings.default_invite_code} is usable: anyone "
            "who knows it can sign up; an operator should disable it (disableInviteCode)"
        )
    return None
