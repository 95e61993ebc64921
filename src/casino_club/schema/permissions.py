"""Who may resolve what (SPEC §5.2). Refusals are GraphQL errors with `extensions.code`."""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission
from strawberry.types import Info

from casino_club.context import AuthenticationFailed, Context, Viewer
from casino_club.domain.accounts import Role
from casino_club.domain.errors import ErrorCode, Unauthenticated


async def optional_viewer(info: Info[Context, Any]) -> Viewer | None:
    """The viewer on a public field: None when anonymous, UNAUTHENTICATED for a token
    that is sent but not good (rather than quietly answering as anonymous)."""
    try:
        return await info.context.viewer()
    except AuthenticationFailed as exc:
        raise Unauthenticated(f"Authentication failed: {exc}") from None


async def require_viewer(info: Info[Context, Any]) -> Viewer:
    """The authenticated viewer, or an UNAUTHENTICATED error."""
    try:
        viewer = await info.context.viewer()
    except AuthenticationFailed as exc:
        raise Unauthenticated(f"Authentication failed: {exc}") from None
    if viewer is None:
        raise Unauthenticated()
    return viewer


class IsAuthenticated(BasePermission):
    message = "Authentication required"
    error_extensions = {"code": ErrorCode.UNAUTHENTICATED.value}

    async def has_permission(self, source: Any, info: Info[Context, Any], **kwargs: Any) -> bool:
        await require_viewer(info)
        return True


class IsAdmin(BasePermission):
    message = "Administrator role required"
    error_extensions = {"code": ErrorCode.FORBIDDEN.value}

    async def has_permission(self, source: Any, info: Info[Context, Any], **kwargs: Any) -> bool:
        viewer = await require_viewer(info)
        return viewer.role is Role.ADMIN


class IsOwnerOrAdmin(BasePermission):
    """For a field of a player's private data: its owner (by the source's `id`, the
    profile's, never by who is asking) or an operator may read it."""

    message = "Only the player or an operator may read this"
    error_extensions = {"code": ErrorCode.FORBIDDEN.value}

    async def has_permission(self, source: Any, info: Info[Context, Any], **kwargs: Any) -> bool:
        try:
            allowed = await info.context.may_read_private(source.id)
        except AuthenticationFailed as exc:
            raise Unauthenticated(f"Authentication failed: {exc}") from None
        if not allowed and await info.context.viewer() is None:
            raise Unauthenticated()
        return allowed
