"""docker-compose.yml runs the app as replicas behind HAProxy (SPEC §16). There is no
Docker engine in CI, so the file's structure is checked, and the HAProxy configuration
it mounts is validated by HAProxy itself (`haproxy -c`, Debian's package) as committed.

Migrations run once because every replica's start takes PostgreSQL's migration lock
(tests/e2e/test_concurrent_start.py starts three at once), so compose needs no
one-shot migrate service: the replicas run the image's own command.
"""

from __future__ import annotations

import ipaddress
import itertools
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from casino_club.bootstrap import SEED_LOCK
from casino_club.config import Settings
from casino_club.persistence.migrations import MIGRATION_LOCK

ROOT = Path(__file__).resolve().parents[2]
COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, Any] = COMPOSE["services"]
APP, PROXY = SERVICES["app"], SERVICES["haproxy"]
# Where the official haproxy image reads its configuration.
IMAGE_CONFIG = "/usr/local/etc/haproxy/haproxy.cfg"
DEFAULT = re.compile(r"\$\{[A-Z_]+:-([^}]*)\}")


def resolved(value: object) -> str:
    """A compose value with each `${VAR:-default}` taken at its default."""
    return DEFAULT.sub(lambda match: match.group(1), str(value))


def mounted_config() -> Path:
    """The host file compose mounts as haproxy's configuration."""
    volumes: list[str] = PROXY["volumes"]
    for volume in volumes:
        host, target, *_ = volume.split(":")
        if target == IMAGE_CONFIG:
            return ROOT / host
    pytest.fail(f"haproxy mounts nothing at {IMAGE_CONFIG}")


def sections() -> dict[str, list[list[str]]]:
    """haproxy.cfg as {"backend app": [[keyword, args…], …], …}."""
    found: dict[str, list[list[str]]] = {}
    current: list[list[str]] = []
    for raw in mounted_config().read_text().splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        words = line.split()
        if not raw[0].isspace():
            current = found.setdefault(" ".join(words), [])
        else:
            current.append(words)
    return found


def lines(section: str, keyword: str) -> list[list[str]]:
    return [words for words in sections()[section] if words[0] == keyword]


def seconds(value: str) -> float:
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}
    number, unit = re.fullmatch(r"(\d+)(ms|s|m|h|d)?", value).groups()  # type: ignore[union-attr]
    return int(number) * units[unit or "ms"]


def test_the_app_runs_as_replicas_with_no_port_of_its_own() -> None:
    assert "ports" not in APP, "clients reach the replicas only through haproxy"
    assert "container_name" not in APP, "a fixed name allows one container"
    assert int(resolved(APP["deploy"]["replicas"])) >= 2
    assert "command" not in APP, "the replicas run the image's command (migrate, seed, serve)"
    for dependency in ("postgres", "redis"):
        assert APP["depends_on"][dependency]["condition"] == "service_healthy"
    assert {"postgres", "redis"} <= set(SERVICES)
    assert not any("migrate" in name for name in SERVICES), "one way: the advisory lock"
    environment = APP["environment"]
    assert environment["DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert environment["REDIS_URL"].startswith("redis://")
    assert environment["BROADCAST_URL"].startswith("redis://")


def test_postgresql_takes_every_replicas_pool() -> None:
    command: list[str] = SERVICES["postgres"]["command"]
    settings = [value for flag, value in itertools.pairwise(command) if flag == "-c"]
    (maximum,) = [int(value.split("=")[1]) for value in settings if value.startswith("max_con")]
    fields = Settings.model_fields
    per_replica = fields["database_pool_size"].default + fields["database_max_overflow"].default
    assert int(resolved(APP["deploy"]["replicas"])) * per_replica < maximum
    assert not {"DATABASE_POOL_SIZE", "DATABASE_MAX_OVERFLOW"} & set(APP["environment"])


def test_the_documented_lock_keys_are_the_codes() -> None:
    page = (ROOT / "docs" / "operations.md").read_text()
    for key in (MIGRATION_LOCK, SEED_LOCK):
        assert f"`{key}` (`{key:#010X}`)".replace("0X", "0x") in page, key
    assert f"objid IN ({MIGRATION_LOCK}, {SEED_LOCK})" in page


def test_haproxy_publishes_the_port_and_is_the_trusted_proxy() -> None:
    assert PROXY["image"].startswith("haproxy:")
    (published,) = PROXY["ports"]
    host_port, container_port = resolved(published).rsplit(":", 1)
    assert host_port.isdigit()
    (bind,) = lines("frontend public", "bind")
    assert bind[1] == f":{container_port}"
    # The app believes X-Forwarded-For from haproxy's address only, a fixed one on the
    # network's subnet.
    (network,) = PROXY["networks"]
    address = ipaddress.ip_address(PROXY["networks"][network]["ipv4_address"])
    (subnet,) = COMPOSE["networks"][network]["ipam"]["config"]
    assert address in ipaddress.ip_network(subnet["subnet"])
    assert json.loads(APP["environment"]["TRUSTED_PROXIES"]) == [str(address)]
    assert network in APP["networks"]
    assert ["option", "forwardfor"] in sections()["defaults"]


def test_haproxy_finds_the_replicas_through_dockers_dns_and_checks_health() -> None:
    (template,) = lines("backend app", "server-template")
    host, port = template[3].split(":")
    assert host == "app" and host in SERVICES
    assert port in [str(exposed) for exposed in APP["expose"]]
    # The port the image serves on.
    assert re.search(rf"^ENV .*\bPORT={port}\b", (ROOT / "Dockerfile").read_text(), re.MULTILINE)
    assert int(template[2]) >= int(resolved(APP["deploy"]["replicas"]))
    options = template[4:]
    assert "check" in options
    resolver = options[options.index("resolvers") + 1]
    (nameserver,) = lines(f"resolvers {resolver}", "nameserver")
    assert nameserver[2] == "127.0.0.11:53", "Docker's embedded DNS"
    assert options[options.index("init-addr") + 1] == "none", "starts before replicas resolve"
    assert ["option", "httpchk"] in sections()["backend app"]
    (send,) = lines("backend app", "http-check")[:1]
    assert send[1:] == ["send", "meth", "GET", "uri", "/health"]
    assert ["http-check", "expect", "status", "200"] in sections()["backend app"]


def test_websockets_outlive_the_http_timeouts_and_the_apps_pings() -> None:
    timeouts = {words[1]: seconds(words[2]) for words in lines("defaults", "timeout")}
    assert {"connect", "client", "server", "tunnel"} <= set(timeouts)
    # An upgraded connection is a tunnel: idle between the app's pings, it must not be cut.
    ping = Settings(_env_file=None).ws_ping_interval_seconds
    assert timeouts["tunnel"] >= 2 * ping
    assert timeouts["tunnel"] > timeouts["client"]


def haproxy() -> str:
    found = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin")
    if found is None:
        message = "haproxy not installed (apt-get install haproxy)"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"REQUIRE_SERVICES=1 and {message}")
        pytest.skip(message)
    return found


def check(config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [haproxy(), "-c", "-f", str(config)], capture_output=True, text=True, timeout=30
    )


def test_haproxy_accepts_the_committed_configuration() -> None:
    result = check(mounted_config())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Configuration file is valid" in result.stdout + result.stderr


def test_haproxy_refuses_a_broken_one(tmp_path: Path) -> None:
    """The check above can fail: the same file naming a resolvers section that does not
    exist is refused."""
    broken = tmp_path / "haproxy.cfg"
    broken.write_text(mounted_config().read_text().replace("resolvers docker i", "resolvers dns i"))
    assert broken.read_text() != mounted_config().read_text()
    result = check(broken)
    assert result.returncode != 0, result.stdout + result.stderr
