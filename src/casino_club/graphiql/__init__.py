"""GraphiQL (with the explorer plugin) served from files shipped in the package (SPEC §4.2).

Strawberry's own page loads React and GraphiQL from a CDN: it fails offline, and a
Content-Security-Policy allowing only 'self' refuses it. Ours loads the same files at
the same versions from `assets/` (fetched and pinned by scripts/fetch_graphiql.py, which
writes the manifest read here), each tag with its Subresource Integrity hash, and the
page's own code from `init.js`: no inline script, so the policy needs no nonce.

Asset URLs are immutable (casino_club.static_pages): a vendor file's path names its
package version, and our own files' paths carry a digest of their content.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from dataclasses import dataclass
from html import escape
from pathlib import Path
from string import Template

from starlette.requests import Request
from starlette.responses import Response

from casino_club.config import Settings
from casino_club.static_pages import content_security_policy, file_response, page_response, sri

log = logging.getLogger("casino_club.graphiql")

HERE = Path(__file__).resolve().parent
ASSETS = HERE / "assets"
MANIFEST = ASSETS / "manifest.json"
ASSET_PREFIX = "/graphiql-assets"

# The order the page needs: React before ReactDOM before GraphiQL, which the explorer
# plugin extends (it reads `GraphiQL.React`); our init.js last.
SCRIPTS = ("react", "react_dom", "graphiql", "explorer")
STYLES = ("graphiql_css", "explorer_css")
OWN_SCRIPT = "init.js"
OWN_STYLE = "page.css"

# What the page may load, checked in Chromium with the suite's browser test (any
# violation is a console error there, which fails it):
# - script-src 'self': every script is a file of ours; GraphiQL 3 needs no eval (its
#   bundle's one `new Function` is webpack's fallback for browsers without globalThis).
# - style-src 'self' (no 'unsafe-inline'): the page's own CSS is a file too, and React,
#   CodeMirror and GraphiQL's components set styles through the DOM (element.style),
#   which the policy does not restrict; only <style> elements and style="" attributes in
#   markup would need 'unsafe-inline', and GraphiQL 3.8 renders none.
# - font-src / img-src data:: graphiql.min.css embeds its fonts and icons as data: URLs.
# - connect-src 'self': the queries' fetch and the subscriptions' WebSocket.
CONTENT_SECURITY_POLICY = content_security_policy("font-src 'self' data:")


@dataclass(frozen=True)
class Asset:
    url: str
    integrity: str
    path: Path


class GraphiQLPage:
    """The page's HTML and the files it loads, by URL path below ASSET_PREFIX."""

    def __init__(self, endpoint: str) -> None:
        manifest = json.loads(MANIFEST.read_text())
        files: dict[str, dict[str, object]] = manifest["files"]
        self.assets: dict[str, Asset] = {}  # role -> asset
        for role, relative in manifest["assets"].items():
            integrity = files[relative]["integrity"]
            assert isinstance(integrity, str)
            self.assets[role] = Asset(f"{ASSET_PREFIX}/{relative}", integrity, ASSETS / relative)
        for name in (OWN_SCRIPT, OWN_STYLE):
            path = HERE / name
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()[:16]
            self.assets[name] = Asset(
                f"{ASSET_PREFIX}/casino-club/{digest}/{name}", sri(data), path
            )
        # Served only by exact path: nothing from the request reaches the file system.
        self._by_path = {
            asset.url.removeprefix(f"{ASSET_PREFIX}/"): asset for asset in self.assets.values()
        }
        self.html = self._render(endpoint)

    def _render(self, endpoint: str) -> str:
        styles = [
            f'<link rel="stylesheet" href="{escape(a.url)}" integrity="{a.integrity}">'
            for a in (self.assets[name] for name in (*STYLES, OWN_STYLE))
        ]
        scripts = [
            f'<script src="{escape(a.url)}" integrity="{a.integrity}"></script>'
            for a in (self.assets[name] for name in (*SCRIPTS, OWN_SCRIPT))
        ]
        template = Template((HERE / "page.html").read_text())
        return template.substitute(
            styles="\n    ".join(styles),
            scripts="\n    ".join(scripts),
            endpoint=escape(endpoint),
        )

    def response(self) -> Response:
        return page_response(self.html, CONTENT_SECURITY_POLICY)

    async def serve_asset(self, request: Request) -> Response:
        """GET /graphiql-assets/{path}: one of the page's files, cached for good."""
        asset = self._by_path.get(request.path_params["path"])
        return file_response(asset.path if asset is not None else None)


@functools.cache
def _page(endpoint: str) -> GraphiQLPage:
    # Once per process: tests start hundreds of apps.
    return GraphiQLPage(endpoint)


def page_for(settings: Settings, endpoint: str = "/graphql") -> GraphiQLPage | None:
    """The page when GRAPHIQL is on (SPEC §4.2: by default in development and test).

    With introspection off it is still served: the operator asked for both, and queries
    still run (GraphiQL only lacks the schema for completion and the docs), so a warning
    says why its docs are empty.
    """
    if not settings.graphiql_enabled:
        return None
    if not settings.graphql_introspection:
        log.warning(
            "GraphiQL is on while GRAPHQL_INTROSPECTION=false: it will run queries "
            "but cannot show the schema"
        )
    return _page(endpoint)
