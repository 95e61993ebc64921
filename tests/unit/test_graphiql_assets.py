"""GraphiQL's shipped files are the pinned packages' files, byte for byte (SPEC §4.2).

`make graphiql-assets` (scripts/fetch_graphiql.py) writes them and their manifest; these
tests fail when a committed file no longer matches the manifest, when the manifest is not
what the script's pins give, or when the package would not ship a file the page loads.
"""

from __future__ import annotations

import io
import json
import tarfile
import tomllib
from pathlib import Path

import pytest
from scripts import fetch_graphiql
from scripts.fetch_graphiql import FetchError, Package, extract, sri, write_assets

from casino_club import graphiql
from casino_club.config import Settings
from tests.unit.test_config import production

ROOT = Path(__file__).resolve().parents[2]


def manifest() -> dict[str, dict[str, object]]:
    loaded: dict[str, dict[str, object]] = json.loads(graphiql.MANIFEST.read_text())
    return loaded


def test_committed_assets_match_their_manifest() -> None:
    files = manifest()["files"]
    on_disk = {
        path.relative_to(graphiql.ASSETS).as_posix()
        for path in graphiql.ASSETS.rglob("*")
        if path.is_file() and path != graphiql.MANIFEST
    }
    assert on_disk == set(files), "files in assets/ and in the manifest differ"
    for relative, entry in files.items():
        assert isinstance(entry, dict)
        data = (graphiql.ASSETS / relative).read_bytes()
        assert len(data) == entry["bytes"], relative
        assert sri("sha384", data) == entry["integrity"], f"{relative} changed"


def test_the_manifest_is_what_the_pinned_packages_give() -> None:
    loaded = manifest()
    assert loaded["packages"] == {
        package.name: {"version": package.version, "integrity": package.integrity}
        for package in fetch_graphiql.PACKAGES
    }
    assert loaded["assets"] == {
        role: f"{package.directory}/{path}"
        for package in fetch_graphiql.PACKAGES
        for role, path in package.files.items()
    }
    # The page loads every role the script fetches, and nothing else of the assets.
    assert set(loaded["assets"]) == {*graphiql.SCRIPTS, *graphiql.STYLES}


def test_the_package_ships_the_page_and_every_asset() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["casino_club.graphiql"]
    package = graphiql.HERE
    shipped = {path for pattern in patterns for path in package.glob(pattern) if path.is_file()}
    needed = {
        graphiql.MANIFEST,
        package / "page.html",
        package / graphiql.OWN_SCRIPT,
        package / graphiql.OWN_STYLE,
        *(graphiql.ASSETS / relative for relative in manifest()["files"]),
    }
    assert needed <= shipped, sorted(str(path) for path in needed - shipped)


def tarball(files: dict[str, bytes], symlink: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            member = tarfile.TarInfo(f"package/{name}")
            member.size = len(data)
            archive.addfile(member, io.BytesIO(data))
        if symlink is not None:
            link = tarfile.TarInfo(f"package/{symlink}")
            link.type = tarfile.SYMTYPE
            link.linkname = "/etc/passwd"
            archive.addfile(link)
    return buffer.getvalue()


def pinned(data: bytes, files: dict[str, str], licenses: tuple[str, ...] = ()) -> Package:
    return Package("@scope/thing", "1.2.3", sri("sha512", data), files, licenses)


def test_extract_takes_only_the_named_files_of_the_pinned_tarball() -> None:
    data = tarball({"dist/a.js": b"a();", "dist/b.js": b"b();", "LICENSE": b"MIT"})
    package = pinned(data, {"thing": "dist/a.js"}, ("LICENSE",))
    assert package.tarball_url.endswith("/@scope/thing/-/thing-1.2.3.tgz")
    assert extract(package, data) == {"dist/a.js": b"a();", "LICENSE": b"MIT"}


def test_extract_refuses_a_tarball_that_is_not_the_pinned_one() -> None:
    data = tarball({"dist/a.js": b"a();"})
    package = pinned(data, {"thing": "dist/a.js"})
    with pytest.raises(FetchError, match="is not the pinned"):
        extract(package, tarball({"dist/a.js": b"evil();"}))


@pytest.mark.parametrize(
    ("data", "complaint"),
    [
        (tarball({"dist/other.js": b""}), "has no dist/a.js"),
        (tarball({}, symlink="dist/a.js"), "dist/a.js is not a file"),
    ],
)
def test_extract_refuses_a_missing_or_odd_file(data: bytes, complaint: str) -> None:
    with pytest.raises(FetchError, match=complaint):
        extract(pinned(data, {"thing": "dist/a.js"}), data)


def test_write_assets_replaces_the_directory_and_writes_its_manifest(tmp_path: Path) -> None:
    target = tmp_path / "assets"
    (target / "stale@0.0.1").mkdir(parents=True)
    (target / "stale@0.0.1" / "old.js").write_bytes(b"old")
    data = tarball({"dist/a.js": b"a();"})
    package = pinned(data, {"thing": "dist/a.js"})

    written = write_assets([(package, extract(package, data))], target)

    assert not (target / "stale@0.0.1").exists()
    assert (target / "@scope/thing@1.2.3/dist/a.js").read_bytes() == b"a();"
    assert json.loads((target / "manifest.json").read_text()) == written
    assert written["assets"] == {"thing": "@scope/thing@1.2.3/dist/a.js"}
    assert written["files"] == {
        "@scope/thing@1.2.3/dist/a.js": {"bytes": 4, "integrity": sri("sha384", b"a();")}
    }


@pytest.mark.parametrize(
    ("app_env", "graphiql_setting", "enabled"),
    [
        ("development", None, True),
        ("test", None, True),
        ("development", False, False),
        ("production", None, False),
        ("production", True, True),
    ],
)
def test_graphiql_is_on_outside_production_unless_set(
    app_env: str, graphiql_setting: bool | None, enabled: bool
) -> None:
    if app_env == "production":
        settings = production(graphiql=graphiql_setting)
    else:
        settings = Settings(_env_file=None, app_env=app_env, graphiql=graphiql_setting)
    assert settings.graphiql_enabled is enabled
