"""The locks (requirements.lock, requirements-dev.lock) say what pyproject.toml asks for.

Every dependency pyproject.toml declares — the runtime ones in both locks, the dev extra's
in the dev lock — is pinned there at a version its specifier allows, every pin carries
PyPI's hashes (pip's --require-hashes refuses anything without), and the two locks agree
on every package they share. Editing pyproject.toml without `make lock` fails here.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")
HASH = re.compile(r"^\s+--hash=sha256:[0-9a-f]{64}\s*\\?$")


@dataclass(frozen=True)
class Pin:
    version: str
    marker: str | None
    hashes: int


def read_lock(name: str) -> dict[str, Pin]:
    """The lock's pins by canonical name. Every line is a pin, a hash of the pin above
    it, a comment or blank: anything else (an unpinned or editable line) fails."""
    pins: dict[str, Pin] = {}
    current: str | None = None
    for line in (ROOT / name).read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if (pin := PIN.match(line)) is not None:
            current = canonicalize_name(pin.group(1))
            assert current not in pins, f"{name}: {current} pinned twice"
            pins[current] = Pin(pin.group(2), pin.group(3), 0)
        elif HASH.match(line) and current is not None:
            found = pins[current]
            pins[current] = Pin(found.version, found.marker, found.hashes + 1)
        else:
            pytest.fail(f"{name}: not a pin, hash or comment: {line!r}")
    return pins


RUNTIME = read_lock("requirements.lock")
DEV = read_lock("requirements-dev.lock")


def applies_here(pin: Pin) -> bool:
    return pin.marker is None or Marker(pin.marker).evaluate()


def satisfied(requirement: Requirement, lock: dict[str, Pin]) -> None:
    name = canonicalize_name(requirement.name)
    assert name in lock, f"{requirement} is not in the lock: run `make lock`"
    assert requirement.specifier.contains(lock[name].version, prereleases=True), (
        f"{requirement} is not satisfied by the lock's {name}=={lock[name].version}: "
        "run `make lock`"
    )


@pytest.mark.parametrize("declared", PYPROJECT["dependencies"])
def test_every_runtime_dependency_is_pinned_in_both_locks(declared: str) -> None:
    requirement = Requirement(declared)
    satisfied(requirement, RUNTIME)
    satisfied(requirement, DEV)


@pytest.mark.parametrize("declared", PYPROJECT["optional-dependencies"]["dev"])
def test_every_dev_dependency_is_pinned_in_the_dev_lock(declared: str) -> None:
    satisfied(Requirement(declared), DEV)


def test_the_extras_asked_for_are_locked_too() -> None:
    """`uvicorn[standard]`, `gql[websockets,aiohttp]`…: what each extra pulls in, by the
    installed package's own metadata (the environment is installed from the lock)."""
    declared = [*PYPROJECT["dependencies"], *PYPROJECT["optional-dependencies"]["dev"]]
    checked = 0
    for requirement in map(Requirement, declared):
        for extra in requirement.extras:
            for line in metadata.requires(requirement.name) or []:
                pulled = Requirement(line)
                if pulled.marker is not None and pulled.marker.evaluate({"extra": extra}):
                    satisfied(pulled, DEV)
                    checked += 1
    assert checked >= 5


def test_every_pin_has_hashes_and_the_locks_agree() -> None:
    for name, pin in {**RUNTIME, **DEV}.items():
        assert pin.hashes >= 1, f"{name} has no hash"
    for name, pin in RUNTIME.items():
        assert DEV.get(name) == pin, f"the locks disagree on {name}: {pin} / {DEV.get(name)}"
    # The dev lock is the runtime one plus the tools and the tests' packages.
    assert len(DEV) > len(RUNTIME)


def test_this_environment_is_the_dev_lock() -> None:
    """What `make install` installed is what the dev lock pins (a stale environment,
    or one installed from elsewhere, fails here; `make install` redoes it)."""
    for name, pin in DEV.items():
        if applies_here(pin):
            assert metadata.version(name) == pin.version, name
