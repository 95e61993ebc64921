"""The reference web client at /play (SPEC §17), served from files built into the package.

The TypeScript app in web/ is bundled by `make web` into `static/` (committed, so serving
it needs no Node): each file's name carries a digest of its content, so its URL is
immutable and cached for a year, and `static/manifest.json` names the page's script and
style. tests/web/test_web_build.py fails when the committed files are stale.

The page is only files of ours under a Content-Security-Policy that allows nothing from
another origin: no inline script or style, `connect-src 'self'` for /graphql over HTTP and
its WebSocket (CSP 3's 'self' matches ws: and wss: on the page's own host and port,
checked in Chromium by tests/e2e/test_web_client.py), and WebCrypto needs no permission.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
from dataclasses import dataclass
from html import escape
from pathlib import Path
from string import Template

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
ASSET_PREFIX = "/play/assets"
MEDIA_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
IMMUTABLE = "public, max-age=31536000, immutable"
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
        "img-src 'self' data:",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def sri(data: bytes) -> str:
    """The Subresource Integrity value of `data`: a swapped file is refused by the browser."""
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


@dataclass(frozen=True)
class PlayPage:
    """The page's HTML and its files, by name (the only names served)."""

    html: str
    files: dict[str, Path]

    @classmethod
    def load(cls) -> PlayPage:
        manifest: dict[str, str] = json.loads((STATIC / "manifest.json").read_text())
        files = {manifest[role]: STATIC / manifest[role] for role in ("script", "style")}
        values: dict[str, str] = {}
        for role in ("script", "style"):
            name = manifest[role]
            values[role] = escape(f"{ASSET_PREFIX}/{name}")
            values[f"{role}_integrity"] = sri(files[name].read_bytes())
        html = Template((HERE / "page.html").read_text()).substitute(values)
        return cls(html, files)

    async def page(self, request: Request) -> Response:
        """GET /play and /play/admin: the app, which picks its screen from the path."""
        return HTMLResponse(self.html, headers=PAGE_HEADERS)

    async def asset(self, request: Request) -> Response:
        """GET /play/assets/{name}: a built file, by exact name (nothing from the request
        reaches the file system)."""
        path = self.files.get(request.path_params["name"])
        if path is None:
            return PlainTextResponse("Not Found", status_code=404)
        return FileResponse(
            path,
            media_type=MEDIA_TYPES[path.suffix],
            headers={"Cache-Control": IMMUTABLE, "X-Content-Type-Options": "nosniff"},
        )


@functools.cache
def _play_page() -> PlayPage:
    # Once per process: tests start hundreds of apps.
    return PlayPage.load()


def routes() -> list[Route]:
    """The web client's routes, for create_app."""
    page = _play_page()
    return [
        Route("/play", page.page),
        Route("/play/admin", page.page),
        Route(f"{ASSET_PREFIX}/{{name}}", page.asset),
    ]
