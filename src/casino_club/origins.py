"""Which browser origins may call /graphql: CORS over HTTP and the WebSocket origin check.

One list, `ALLOWED_ORIGINS`, governs both (SPEC §4.2, §12.1): a page allowed to fetch is
allowed to subscribe, and a page refused one is refused the other. In development the
localhost origins (any port, http or https) are allowed as well, so a frontend's dev
server works from its first hour without configuration.

Credentials are never allowed: tokens travel in `Authorization`, which a page must set
itself, so a page on a foreign origin cannot borrow a player's session the way it could
borrow a cookie.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp
from strawberry.http.websocket_origin import normalize_allowed_origins, normalize_origin

from casino_club.config import Settings

LOCALHOST_ORIGIN = r"https?://(localhost|127\.0\.0\.1|\[::1\])(:[0-9]{1,5})?"

# What a GraphQL client sends beyond the CORS-safelisted headers: the token, our request
# id, and the headers Apollo Client adds (client awareness; its CSRF-prevention header).
ALLOWED_HEADERS = (
    "authorization",
    "content-type",
    "x-request-id",
    "apollographql-client-name",
    "apollographql-client-version",
    "apollo-require-preflight",
    "x-apollo-operation-name",
)
# Read by a page's script: the id to quote when reporting a problem.
EXPOSED_HEADERS = ("x-request-id",)
# How long a browser may reuse a preflight's answer.
PREFLIGHT_MAX_AGE_SECONDS = 600


@dataclass(frozen=True, slots=True)
class OriginPolicy:
    """The origins a browser page may call from; `*` in the list allows every origin."""

    origins: frozenset[str]
    localhost: bool

    @classmethod
    def from_settings(cls, settings: Settings) -> OriginPolicy:
        return cls(
            origins=normalize_allowed_origins(settings.allowed_origins),
            localhost=settings.app_env == "development",
        )

    @property
    def any_origin(self) -> bool:
        return "*" in self.origins

    def allows(self, origin: str) -> bool:
        """Whether a page served from `origin` (as a browser sends it) may call the API."""
        if self.any_origin:
            return True
        normalized = normalize_origin(origin)
        if normalized is None:
            return False
        if normalized in self.origins:
            return True
        return self.localhost and re.fullmatch(LOCALHOST_ORIGIN, normalized) is not None

    def cors(self, app: ASGIApp) -> ASGIApp:
        """`app` answering preflights and adding `Access-Control-*` headers for the
        allowed origins (Starlette's middleware; other origins get no CORS headers, so
        the browser refuses the page the answer)."""
        return CORSMiddleware(
            app,
            allow_origins=["*"] if self.any_origin else sorted(self.origins),
            allow_origin_regex=LOCALHOST_ORIGIN if self.localhost else None,
            allow_methods=["GET", "POST"],
            allow_headers=list(ALLOWED_HEADERS),
            expose_headers=list(EXPOSED_HEADERS),
            allow_credentials=False,
            max_age=PREFLIGHT_MAX_AGE_SECONDS,
        )
