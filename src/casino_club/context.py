"""The per-request (per-connection, for WebSockets) GraphQL context.

Authentication is lazy: the bearer token is read when the request arrives and checked
only when a field needs the viewer, then kept for the request. The check is answered
by the session cache when it can, else by the database (persistence/session_cache).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from casino_club.dataloaders import Loaders
from casino_club.domain.accounts import Rank, Role
from casino_club.live.limits import Lease
from casino_club.persistence import users
from casino_club.persistence.database import read_connection
from casino_club.persistence.session_cache import Checked
from casino_club.persistence.users import Account
from casino_club.security import AccessClaims, InvalidToken
from casino_club.services import Services


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is asking, as their token was checked: `user` may be up to the session
    cache's age old, so what must be current (gold, a profile) is read afresh."""

    user: Account
    claims: AccessClaims

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def role(self) -> Role:
        return Role(self.user.role)

    @property
    def rank(self) -> Rank:
        return Rank(self.user.rank)


class AuthenticationFailed(Exception):
    """A token was presented but is not (or no longer) acceptable."""


@dataclass
class Context:
    services: Services
    request: Request | WebSocket
    response: Response | WebSocket | None
    token: str | None
    loaders: Loaders
    token_error: str | None = None
    connection_params: dict[str, Any] | None = None
    # A WebSocket connection's place under the per-player and per-address limits, given
    # back when the connection closes (live/ws_handlers.py).
    connection_lease: Lease | None = None
    # The operation was charged to the caller's budget before it was known: a persisted
    # query's hash, looked up only once paid for (graphql_view.py).
    operation_charged: bool = False
    _viewer: Viewer | None = field(default=None, repr=False)
    _viewer_loaded: bool = field(default=False, repr=False)
    # Players who proved who they are in this request (signup, login, refresh): the
    # profile such a mutation returns is theirs to read, though the request has no token.
    _proven_owners: set[int] = field(default_factory=set, repr=False)

    @property
    def ip(self) -> str | None:
        """The client's address; behind a trusted proxy, the forwarded one (app.py)."""
        client = self.request.client
        return client.host if client else None

    @property
    def user_agent(self) -> str | None:
        return self.request.headers.get("user-agent")

    async def viewer(self) -> Viewer | None:
        """The authenticated user, or None when no token was sent.

        Raises AuthenticationFailed when a token was sent but is invalid, expired,
        logged out, or belongs to a banned user.
        """
        if self.token_error is not None:
            raise AuthenticationFailed(self.token_error)
        if self.token is None:
            return None
        if not self._viewer_loaded:
            self._viewer = await self._load_viewer(self.token)
            self._viewer_loaded = True
        if self._viewer is None:
            raise AuthenticationFailed("session ended or account unavailable")
        return self._viewer

    def prove_owner(self, user_id: int) -> None:
        """This request has just authenticated as `user_id` (credentials, not a token)."""
        self._proven_owners.add(user_id)

    async def may_read_private(self, owner_id: int) -> bool:
        """Whether the caller may read `owner_id`'s private data: the owner or an admin.

        Raises AuthenticationFailed for a bad token; False for an anonymous caller.
        """
        if owner_id in self._proven_owners:
            return True
        viewer = await self.viewer()
        return viewer is not None and (viewer.id == owner_id or viewer.role is Role.ADMIN)

    def reset_viewer(self) -> None:
        """Forget the cached viewer; long-lived WebSocket contexts re-check per event.
        The loaders start afresh too: what they read for one event is stale for the next."""
        self._viewer_loaded = False
        self._viewer = None
        self.loaders = Loaders.create(self.services)

    async def _load_viewer(self, token: str) -> Viewer | None:
        services = self.services
        now = services.clock.now()
        # A token in the cache was verified (signature, expiry) when it was put there.
        cached = services.sessions.get(token, now)
        if cached is not None:
            return Viewer(user=cached.user, claims=cached.claims)
        try:
            claims = services.tokens.decode(token, now)
        except InvalidToken as exc:
            raise AuthenticationFailed("invalid or expired token") from exc
        stamp = services.sessions.stamp()
        async with read_connection(services.engine) as connection:
            user = await users.authenticate_session(
                connection, claims.user_id, claims.session_id, now
            )
        if user is None:
            return None
        services.sessions.put(token, Checked(claims, user), stamp)
        return Viewer(user=user, claims=claims)
