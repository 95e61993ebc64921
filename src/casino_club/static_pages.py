"""What the server's own pages share: GraphiQL (casino_club.graphiql) and the web client
(casino_club.web) are each one HTML page and files shipped in the package.

- Each file's URL is immutable (it carries a version or a digest of its content), so it
  is cached for a year and a new release changes the URL; only exact names are served,
  so nothing from the request reaches the file system.
- Each tag carries the file's Subresource Integrity hash: a swapped file is refused.
- The page is under a Content-Security-Policy allowing nothing from another origin: no
  inline script or style, `connect-src 'self'` for /graphql over HTTP and its WebSocket
  (CSP 3's 'self' matches ws: and wss: on the page's own host and port, checked in
  Chromium by the browser tests, where any violation is a console error that fails).
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response

MEDIA_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
IMMUTABLE = "public, max-age=31536000, immutable"
BASE_POLICY = (
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
)


def content_security_policy(*directives: str) -> str:
    """The shared policy, with a page's own further directives."""
    return "; ".join((*BASE_POLICY, *directives))


def sri(data: bytes) -> str:
    """The Subresource Integrity value of `data` (sha384)."""
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def page_response(html: str, policy: str) -> Response:
    """The page itself: revalidated on each load, so a release is seen at once."""
    return HTMLResponse(
        html,
        headers={
            "Content-Security-Policy": policy,
            "Cache-Control": "no-cache",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
    )


def file_response(path: Path | None) -> Response:
    """One of a page's files (None: not one of its names, a 404), cached for good."""
    if path is None:
        return PlainTextResponse("Not Found", status_code=404)
    return FileResponse(
        path,
        media_type=MEDIA_TYPES[path.suffix],
        headers={"Cache-Control": IMMUTABLE, "X-Content-Type-Options": "nosniff"},
    )
