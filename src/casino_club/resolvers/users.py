"""Reading profiles: the caller's own, and others' public view (SPEC §5.4)."""

from __future__ import annotations

from casino_club.context import Context, Viewer
from casino_club.schema.ids import parse_id
from casino_club.schema.users import Profile, PublicUser


def me(viewer: Viewer) -> Profile:
    return Profile.of(viewer.user, viewer.gold)


async def public_user(context: Context, user_id: str) -> PublicUser | None:
    row_id = parse_id(user_id)
    if row_id is None:
        return None
    user = await context.loaders.users.load(row_id)
    if user is None or user.banned_at is not None:
        return None
    return PublicUser.of(user)
