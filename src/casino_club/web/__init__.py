"""The reference web client at /play (SPEC §17), served from files built into the package.

The TypeScript app in web/ is bundled by `make web` into `static/` (committed, so serving
it needs no Node): each file's name carries a digest of its content, so its URL is
immutable and cached for a year, and `static/manifest.json` names the page's script and
style. tests/web/test_web_build.py fails when the committed files are stale.

The page is only files of ours under the policy casino_club.static_pages sets (nothing
from another origin); WebCrypto, which verify uses, needs no permission.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from html import escape
from pathlib import Path
from string import Template

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from casino_club.static_pages import content_security_policy, file_response, page_response, sri

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
ASSET_PREFIX = "/play/assets"
CONTENT_SECURITY_POLICY = content_security_policy()


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
        return page_response(self.html, CONTENT_SECURITY_POLICY)

    async def asset(self, request: Request) -> Response:
        """GET /play/assets/{name}: a built file, by exact name (nothing from the request
        reaches the file system)."""
        return file_response(self.files.get(request.path_params["name"]))


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
