"""Operator account management: ranks and bans (SPEC §5.1, §5.2), every change audited."""

from __future__ import annotations

from datetime import datetime

import orjson

from casino_club.context import Context, Viewer
from casino_club.domain.accounts import Rank
from casino_club.domain.admin import AuditEntry, UserUpdated
from casino_club.domain.days import check_since
from casino_club.domain.ids import NodeKind, parse_node_id
from casino_club.domain.pagination import decode_cursor
from casino_club.domain.refusals import UserNotFound, ValidationFailed
from casino_club.persistence import audit, auth_sessions, users, wallet
from casino_club.persistence.models import AuditLog
from casino_club.resolvers.access import forget_sessions_after_commit
from casino_club.resolvers.users import profile_of
from casino_club.services import Services


async def set_user_rank(
    context: Context, viewer: Viewer, raw_user_id: str, rank: Rank
) -> UserUpdated | UserNotFound | ValidationFailed:
    user_id = parse_node_id(raw_user_id, NodeKind.PLAYER)
    if user_id is None:
        return UserNotFound()
    now = context.services.clock.now()
    async with context.services.unit_of_work() as uow:
        user = await users.by_id(uow.session, user_id)
        if user is None:
            return UserNotFound()
        before = user.rank
        user.rank = rank.value
        await audit.record(
            uow.session,
            actor_id=viewer.id,
            action="USER_SET_RANK",
            target=f"user:{user.id}",
            before={"rank": before},
            after={"rank": user.rank},
            now=now,
        )
        gold = await wallet.balance_of(uow.session, user.id)
        forget_sessions_after_commit(context.services, uow, user.id)
        await uow.commit()
    return UserUpdated(user=profile_of(user, gold))


async def set_user_banned(
    context: Context, viewer: Viewer, raw_user_id: str, banned: bool, reason: str | None
) -> UserUpdated | UserNotFound | ValidationFailed:
    """Ban ends every session at once, so the player's tokens stop working immediately."""
    user_id = parse_node_id(raw_user_id, NodeKind.PLAYER)
    if user_id is None:
        return UserNotFound()
    if user_id == viewer.id and banned:
        return ValidationFailed.single(
            "userId", "CANNOT_BAN_SELF", "an operator cannot ban themselves"
        )
    if reason is not None and len(reason) > 500:
        return ValidationFailed.single(
            "reason", "REASON_TOO_LONG", "reason must be at most 500 characters"
        )
    now = context.services.clock.now()
    async with context.services.unit_of_work() as uow:
        user = await users.by_id(uow.session, user_id)
        if user is None:
            return UserNotFound()
        before = {"banned": user.banned_at is not None, "reason": user.ban_reason}
        if banned:
            user.banned_at = user.banned_at or now
            user.ban_reason = reason
            await auth_sessions.revoke_all_sessions(uow.session, user.id, "BANNED", now)
        else:
            user.banned_at = None
            user.ban_reason = None
        await audit.record(
            uow.session,
            actor_id=viewer.id,
            action="USER_SET_BANNED",
            target=f"user:{user.id}",
            before=before,
            after={"banned": banned, "reason": reason},
            now=now,
        )
        gold = await wallet.balance_of(uow.session, user.id)
        forget_sessions_after_commit(context.services, uow, user.id)
        await uow.commit()
    return UserUpdated(user=profile_of(user, gold))


MAX_FILTER_TEXT = 128


async def audit_log(
    services: Services,
    *,
    actor_id: str | None,
    action: str | None,
    target: str | None,
    since: datetime | None,
    after: str | None,
    limit: int,
) -> list[AuditEntry]:
    """The audit trail, newest first: up to `limit` entries after the cursor `after` (a
    keyset page: ask for one more than the page to learn whether another follows). A
    filter no row can match (an id that is not one, text longer than any stored) answers
    an empty page rather than an error."""
    actor = None if actor_id is None else parse_node_id(actor_id, NodeKind.PLAYER)
    if (actor_id is not None and actor is None) or any(
        text is not None and len(text) > MAX_FILTER_TEXT for text in (action, target)
    ):
        return []
    check_since(since)
    async with services.sessionmaker() as session:
        rows = await audit.page(
            session,
            audit.AuditFilter(actor, action, target, since),
            after_id=decode_cursor(after),
            limit=limit,
        )
    return [audit_entry(row) for row in rows]


def audit_entry(row: AuditLog) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        actor_id=row.actor_id,
        action=row.action,
        target=row.target,
        before=None if row.before is None else orjson.loads(row.before),
        after=None if row.after is None else orjson.loads(row.after),
        request_id=row.request_id,
        at=row.created_at,
    )
