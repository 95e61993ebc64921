"""Fetch GraphiQL's browser assets from the npm registry into the package (`make graphiql-assets`).

GraphiQL is served from files shipped with the app (SPEC §4.2), not from a CDN: it then
works offline and under a Content-Security-Policy of 'self'. This script is how those
files got there, and how they change: each package's tarball at a pinned version is
checked against the pinned `dist.integrity` (the registry's sha512 of the tarball,
copied here once from its metadata), and exactly the files the page loads are extracted
into `src/casino_club/graphiql/assets/<package>@<version>/`. The manifest it writes names
each file's role, path and SRI sha384; tests/unit/test_graphiql_assets.py fails when a
committed file no longer matches it, so the assets cannot drift unnoticed.

To upgrade: change a version, run `make graphiql-assets` once with the old integrity to
see the mismatch refused, put the new `dist.integrity` from
`<registry>/<package>/<version>` in its place, run it again and commit the result.

Plain standard library: no Node is needed.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import shutil
import sys
import tarfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REGISTRY = "https://registry.npmjs.org"
ASSETS = Path(__file__).resolve().parent.parent / "src" / "casino_club" / "graphiql" / "assets"
MANIFEST = "manifest.json"
DOWNLOAD_TIMEOUT_SECONDS = 60
# A tarball larger than this is not the package we pinned (graphiql's is ~3.7 MB).
MAX_TARBALL_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class Package:
    """One npm package at a pinned version, and the files of it the page loads (by role)."""

    name: str
    version: str
    # The registry's `dist.integrity` of the tarball: what we checked once and trust.
    integrity: str
    files: dict[str, str]  # role (casino_club.graphiql names them) -> path inside the tarball
    # Shipped beside the files (MIT asks that copies carry the notice), never served.
    licenses: tuple[str, ...] = ("LICENSE",)

    @property
    def directory(self) -> str:
        return f"{self.name}@{self.version}"

    @property
    def tarball_url(self) -> str:
        basename = self.name.rsplit("/", 1)[-1]
        return f"{REGISTRY}/{self.name}/-/{basename}-{self.version}.tgz"


# The versions strawberry's own GraphiQL page loads from a CDN (strawberry/static/
# graphiql.html), with the same SRI hashes for the same files. js-cookie is left out: it
# only reads Django's CSRF cookie, which this server does not use.
PACKAGES = (
    Package(
        "react",
        "18.2.0",
        "sha512-/3IjMdb2L9QbBdWiW5e3P2/npwMBaU9mHCSCUzNln0ZCYbcfTsGbTJrU/kGemdH2IWmB2ioZ+zkxtmq6g09fGQ==",
        {"react": "umd/react.production.min.js"},
    ),
    Package(
        "react-dom",
        "18.2.0",
        "sha512-6IMTriUmvsjHUjNtEDudZfuDQUoWXVxKHhlEGSk81n4YFS+r/Kl99wXiwlVXtPBtJenozv2P+hxDsw9eA7Xo6g==",
        {"react_dom": "umd/react-dom.production.min.js"},
    ),
    Package(
        "graphiql",
        "3.8.3",
        "sha512-cuPDYtXVKV86Pu5PHBX642Odi/uVEE2y1Jxq5rGO/Qy1G2lRp7ZZ7a/T30RzxhuLSWo9zUbzq0P3U49//H0Ugw==",
        {"graphiql": "graphiql.min.js", "graphiql_css": "graphiql.min.css"},
    ),
    Package(
        "@graphiql/plugin-explorer",
        "1.0.2",
        "sha512-9j+kg2UjtLZD5EBmGjeWHkoVVxtbShYg2DzbUVebibnZYZM/iMBEF4vaccXJIAm5KaomIPLx0aoNs4LbODyc3Q==",
        {"explorer": "dist/index.umd.js", "explorer_css": "dist/style.css"},
        licenses=(),  # MIT per its package.json; the tarball carries no notice file
    ),
)


class FetchError(Exception):
    """A tarball that is not the pinned one, or lacks a file we need."""


def sri(algorithm: str, data: bytes) -> str:
    """A Subresource Integrity value (`sha384-<base64>`), the form npm's integrity uses too."""
    return f"{algorithm}-{base64.b64encode(hashlib.new(algorithm, data).digest()).decode()}"


def download(url: str) -> bytes:
    if not url.startswith("https://"):
        raise FetchError(f"refusing a non-HTTPS URL: {url}")
    with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:  # noqa: S310
        data: bytes = response.read(MAX_TARBALL_BYTES + 1)
    if len(data) > MAX_TARBALL_BYTES:
        raise FetchError(f"{url} is larger than {MAX_TARBALL_BYTES} bytes")
    return data


def extract(package: Package, tarball: bytes) -> dict[str, bytes]:
    """The package's files (path inside the package -> content), from a tarball whose
    integrity has been checked."""
    actual = sri("sha512", tarball)
    if actual != package.integrity:
        raise FetchError(
            f"{package.name}@{package.version}: tarball integrity {actual} "
            f"is not the pinned {package.integrity}"
        )
    found: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        for path in (*package.files.values(), *package.licenses):
            try:
                member = archive.getmember(f"package/{path}")
            except KeyError:
                raise FetchError(f"{package.name}@{package.version} has no {path}") from None
            stream = archive.extractfile(member) if member.isreg() else None
            if stream is None:
                raise FetchError(f"{package.name}@{package.version}: {path} is not a file")
            found[path] = stream.read()
    return found


def write_assets(
    contents: list[tuple[Package, dict[str, bytes]]], target: Path
) -> dict[str, object]:
    """Replace the assets directory's content with these files and their manifest."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    files: dict[str, dict[str, object]] = {}
    for package, found in contents:
        for path, data in found.items():
            relative = f"{package.directory}/{path}"
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(data)
            files[relative] = {"integrity": sri("sha384", data), "bytes": len(data)}
    manifest: dict[str, object] = {
        "packages": {
            package.name: {"version": package.version, "integrity": package.integrity}
            for package, _ in contents
        },
        "assets": {
            role: f"{package.directory}/{path}"
            for package, _ in contents
            for role, path in package.files.items()
        },
        "files": files,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", type=Path, default=ASSETS, help="assets directory")
    args = parser.parse_args(argv)
    contents: list[tuple[Package, dict[str, bytes]]] = []
    try:
        for package in PACKAGES:
            print(f"fetching {package.name}@{package.version}", file=sys.stderr)
            contents.append((package, extract(package, download(package.tarball_url))))
    except (FetchError, OSError) as exc:
        print(f"graphiql assets not changed: {exc}", file=sys.stderr)
        return 1
    manifest = write_assets(contents, args.target)
    files = manifest["files"]
    assert isinstance(files, dict)
    for path, entry in sorted(files.items()):
        print(f"{entry['bytes']:>9} bytes  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
