"""Three instances started at the same moment on an empty PostgreSQL database (SPEC §16):
each runs what the production image runs (the Dockerfile's CMD: migrate, seed, serve),
the migrations run once, the seed once, and all three serve.

"The same moment" is made certain rather than hoped for: the test holds the migration
lock (as an instance in the middle of migrating would) while the three start, waits
until PostgreSQL shows all three waiting for it, and only then lets go. Without the
lock the three would not wait there (the test fails on that), and three upgrades
released together on an empty database collide: one applies, the others fail on the
tables it created.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from alembic.script import ScriptDirectory
from redis.asyncio import Redis
from sqlalchemy.engine import make_url

from casino_club.bootstrap import SEED_LOCK
from casino_club.persistence import migrations
from casino_club.persistence.migrations import MIGRATION_LOCK
from tests.conftest import TEST_DATABASE_URL, TEST_DEFAULTS, TEST_REDIS_URL, _unavailable
from tests.support import LOGIN, free_port

pytestmark = pytest.mark.e2e

INSTANCES = 3
ADMIN_PASSWORD = "operator password 1"
DOCKERFILE = Path(__file__).resolve().parents[2] / "Dockerfile"
# Three processes migrating, seeding and starting in turn on a shared, busy machine.
WAIT_SECONDS = 120
APPLIED = re.compile(r"^database migrated to head: applied (\d+) \((.*)\)$", re.MULTILINE)
NOTHING_TO_APPLY = "database already at head: nothing to apply"


def production_command() -> list[str]:
    """The image's start command, from the Dockerfile's exec-form CMD."""
    lines = [line for line in DOCKERFILE.read_text().splitlines() if line.startswith("CMD ")]
    assert len(lines) == 1, lines
    command: list[str] = json.loads(lines[0].removeprefix("CMD "))
    assert "casino-club migrate" in command[-1], command
    return command


def every_revision() -> list[str]:
    script = ScriptDirectory.from_config(migrations.alembic_config("sqlite://"))
    return [revision.revision for revision in reversed(list(script.walk_revisions()))]


def dsn(url: str) -> str:
    """asyncpg's form of a SQLAlchemy URL."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture
async def empty_database() -> AsyncIterator[str]:
    """A PostgreSQL database of its own with nothing in it, dropped afterwards."""
    try:
        admin = await asyncpg.connect(dsn(TEST_DATABASE_URL), timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        _unavailable("PostgreSQL", exc)
    name = f"cc_start_{uuid.uuid4().hex[:12]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest.fixture
async def redis_prefix() -> AsyncIterator[str]:
    """A Redis prefix of the test's own, its keys deleted afterwards."""
    prefix = f"ccstart:{uuid.uuid4().hex[:8]}:"
    yield prefix
    client = Redis.from_url(TEST_REDIS_URL)
    try:
        keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


class Instances:
    """Processes running the production command, each with its own port and log, all
    stopped when the test ends whatever happens."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.processes: list[subprocess.Popen[bytes]] = []
        self.urls: list[str] = []
        self.logs: list[Path] = []

    def start(self, environment: dict[str, str]) -> None:
        port = free_port()
        log = self.directory / f"instance-{len(self.processes)}.log"
        with log.open("wb") as out:
            self.processes.append(
                subprocess.Popen(
                    production_command(),
                    env={**environment, "PORT": str(port)},
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            )
        self.urls.append(f"http://127.0.0.1:{port}")
        self.logs.append(log)

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def instances(tmp_path: Path) -> Iterator[Instances]:
    running = Instances(tmp_path)
    try:
        yield running
    finally:
        running.stop()


async def waiting_for(connection: asyncpg.Connection, key: int) -> int:
    """How many sessions wait for this database's advisory lock `key` (a one-bigint key
    shows as classid = high 32 bits, objid = low 32 bits, objsubid = 1)."""
    count: int = await connection.fetchval(
        """SELECT count(*) FROM pg_locks
           WHERE locktype = 'advisory' AND NOT granted AND objsubid = 1
             AND classid = $1 AND objid = $2
             AND database = (SELECT oid FROM pg_database WHERE datname = current_database())""",
        key >> 32,
        key & 0xFFFF_FFFF,
    )
    return count


async def healthy(client: httpx.AsyncClient, url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        assert process.poll() is None, f"instance exited with {process.returncode}"
        try:
            if (await client.get(f"{url}/health", timeout=1)).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, f"{url} did not become healthy"
        await asyncio.sleep(0.2)


async def test_three_instances_started_together_migrate_once_and_all_serve(
    empty_database: str,
    redis_prefix: str,
    instances: Instances,
) -> None:
    venv_bin = str(Path(sys.executable).parent)
    environment = {
        **os.environ,
        **{key.upper(): str(value) for key, value in TEST_DEFAULTS.items()},
        "PATH": f"{venv_bin}{os.pathsep}{os.environ['PATH']}",
        "APP_ENV": "test",
        "DATABASE_URL": empty_database,
        "REDIS_URL": TEST_REDIS_URL,
        "REDIS_PREFIX": redis_prefix,
        "BROADCAST_URL": TEST_REDIS_URL,
        "ADMIN_PASSWORD": ADMIN_PASSWORD,
        "HOST": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
    }
    holder = await asyncpg.connect(dsn(empty_database), timeout=5)
    try:
        await holder.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
        for _ in range(INSTANCES):
            instances.start(environment)
        started, urls, logs = instances.processes, instances.urls, instances.logs

        deadline = time.monotonic() + WAIT_SECONDS
        while await waiting_for(holder, MIGRATION_LOCK) < INSTANCES:
            for process, log in zip(started, logs, strict=True):
                assert process.poll() is None, f"exited before migrating:\n{log.read_text()}"
            assert time.monotonic() < deadline, "the instances never waited for the lock"
            await asyncio.sleep(0.1)
        # All three are at the lock, and none has touched the schema.
        assert await holder.fetchval("SELECT to_regclass('alembic_version')") is None
        await holder.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)

        async with httpx.AsyncClient() as client:
            for url, process, log in zip(urls, started, logs, strict=True):
                try:
                    await healthy(client, url, process)
                except AssertionError as exc:
                    raise AssertionError(f"{exc}:\n{log.read_text()}") from None

            outputs = [log.read_text() for log in logs]
            runs = [match for output in outputs for match in APPLIED.finditer(output)]
            revisions = every_revision()
            assert len(runs) == 1, outputs
            assert int(runs[0].group(1)) == len(revisions)
            assert runs[0].group(2).split(", ") == revisions
            assert sum(output.count(NOTHING_TO_APPLY) for output in outputs) == INSTANCES - 1
            # The seed ran once too: one instance created the admin, the others found it.
            assert sum(output.count("created admin admin") for output in outputs) == 1, outputs
            assert sum(output.count("seed: nothing to do") for output in outputs) == 2, outputs

            head = await holder.fetch("SELECT version_num FROM alembic_version")
            assert [row["version_num"] for row in head] == [revisions[-1]]
            assert await waiting_for(holder, MIGRATION_LOCK) == 0
            assert await waiting_for(holder, SEED_LOCK) == 0

            for url in urls:
                answer = await client.post(
                    f"{url}/graphql",
                    json={
                        "query": LOGIN,
                        "variables": {"input": {"siteId": "admin", "password": ADMIN_PASSWORD}},
                    },
                    timeout=10,
                )
                assert answer.status_code == 200, answer.text
                payload = answer.json()["data"]["login"]
                assert payload["__typename"] == "AuthPayload", payload
                assert payload["user"]["role"] == "ADMIN"
    finally:
        await holder.close()
