"""Shared fixtures: each backend gets a fresh database (and Redis prefix) per test session.

Integration and e2e tests run three times: on the embedded default (SQLite + memory://),
on PostgreSQL + Redis, and on PostgreSQL + a Redis Cluster (REDIS_CLUSTER=true, the
three-master cluster `.ci/redis-cluster` starts, at TEST_REDIS_CLUSTER_URL). The
browser tests run on the first two only: what a browser adds is the page, not the
engines (the cluster's live delivery is proven over real WebSockets without one). With
REQUIRE_SERVICES=1 (CI) an unreachable service fails the run; without it, the
service-backed runs are skipped with the reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import redis
from asgi_lifespan import LifespanManager
from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster
from sqlalchemy.engine import make_url
from starlette.applications import Starlette

from casino_club.app import create_app
from casino_club.bootstrap import seed
from casino_club.clock import Clock, FrozenClock
from casino_club.config import Settings
from casino_club.persistence import migrations
from casino_club.services import Services
from tests.support import Api, free_port

TEST_DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
TEST_REDIS_CLUSTER_URL = os.environ.get("TEST_REDIS_CLUSTER_URL", "redis://127.0.0.1:7000/0")
CLUSTER_BACKEND = "postgres-cluster"
# The backends with Redis: for the tests of what only Redis does (one Redis, and a Cluster).
REDIS_BACKENDS = ["postgres", CLUSTER_BACKEND]
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
REDIS_START_TIMEOUT_SECONDS = 15
LIFESPAN_TIMEOUT_SECONDS = 30

# argon2 at OWASP cost takes ~160 ms a hash; tests need the behaviour, not the cost.
# Pools are kept small: a test run has several apps and servers alive at once, and
# PostgreSQL's default max_connections is 100.
TEST_DEFAULTS: dict[str, Any] = {
    "argon2_time_cost": 1,
    "argon2_memory_cost_kib": 1024,
    "argon2_parallelism": 1,
    "database_pool_size": 8,
    "database_max_overflow": 4,
    # Tests sign up hundreds of players from one address; the throttle has its own tests.
    "auth_attempts_per_minute_per_address": 0,
    # Likewise the query budgets (their own tests set them).
    "query_budget_per_second_per_player": 0,
    "query_budget_per_second_per_address": 0,
    "graphql_introspection_misses_per_minute": 0,
    # And the live limits: tests and benchmarks hold many connections from one address.
    "graphql_max_subscriptions_per_player": 0,
    "graphql_max_subscriptions_per_address": 0,
    "ws_max_connections_per_player": 0,
    "ws_max_connections_per_address": 0,
    # Frozen objects are never collected: each test's app would stay in memory.
    "gc_freeze_at_startup": False,
    # The collector's thresholds are the process's: a test app must not change them for
    # the tests after it (the setting has its own test).
    "gc_young_threshold": 0,
    # The suite's one process holds hundreds of apps' worth of objects by its end, and a
    # full collection can pause it for seconds while one of its transactions holds a row
    # others wait for (CI saw sign-ups, and once a connect, pass the 5 s default). The
    # timeout's own tests set theirs.
    "database_timeout_seconds": 20,
    # The sandbox answers at once; only its "never answers" tokens meet the timeout.
    "payment_timeout_seconds": 0.2,
    "payment_backoff_seconds": 0.01,
    # The economy rollup has its own test, which runs it; in every other app (and the
    # session-long e2e servers) it would only compete for SQLite's write lock.
    "economy_rollup_interval_seconds": 86_400,
    # Likewise the leaderboards' check (its test runs it): test apps start with an empty
    # Redis prefix and would rebuild every board from the shared database.
    "leaderboard_check_interval_seconds": 86_400,
}


@dataclass(frozen=True)
class Backend:
    name: str
    database_url: str
    redis_url: str
    redis_prefix: str
    broadcast_url: str
    redis_cluster: bool = False

    def settings(self, **overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "app_env": "test",
            "database_url": self.database_url,
            "redis_url": self.redis_url,
            "redis_prefix": self.redis_prefix,
            "broadcast_url": self.broadcast_url,
            "redis_cluster": self.redis_cluster,
            "log_level": "WARNING",
            **TEST_DEFAULTS,
        }
        values.update(overrides)
        return Settings(_env_file=None, **values)

    def environment(self) -> dict[str, str]:
        """The same configuration, as a server process reads it."""
        env = {key.upper(): str(value) for key, value in TEST_DEFAULTS.items()}
        env.update(
            APP_ENV="test",
            DATABASE_URL=self.database_url,
            REDIS_URL=self.redis_url,
            REDIS_PREFIX=self.redis_prefix,
            BROADCAST_URL=self.broadcast_url,
            REDIS_CLUSTER=str(self.redis_cluster).lower(),
            LOG_LEVEL="WARNING",
        )
        return env


def _unavailable(what: str, error: BaseException) -> None:
    message = f"{what} unreachable: {type(error).__name__}: {error}"
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 and {message}")
    pytest.skip(message)


ADMIN_PASSWORD = "operator password 1"


async def _prepare(backend: Backend) -> None:
    """Migrate (alembic runs its own event loop, hence the thread) and seed."""
    await asyncio.to_thread(migrations.upgrade, backend.database_url)
    services = Services.create(backend.settings(admin_password=ADMIN_PASSWORD))
    try:
        await seed(services)
    finally:
        await services.close()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The browser tests run on the first two backends only (see above)."""
    browser_on_cluster = [
        item
        for item in items
        if "browser" in getattr(item, "fixturenames", ())
        and CLUSTER_BACKEND in getattr(getattr(item, "callspec", None), "id", "")
    ]
    if browser_on_cluster:
        config.hook.pytest_deselected(items=browser_on_cluster)
        items[:] = [item for item in items if item not in browser_on_cluster]


def cluster_client(url: str = TEST_REDIS_CLUSTER_URL) -> RedisCluster:
    return RedisCluster.from_url(url, socket_connect_timeout=2, socket_timeout=5)


def redis_of(backend: Backend) -> Redis | RedisCluster:
    """A client of the backend's Redis: a cluster client on the cluster backend."""
    if backend.redis_cluster:
        return cluster_client(backend.redis_url)
    return Redis.from_url(backend.redis_url, socket_timeout=5)


async def delete_prefixed(client: Redis | RedisCluster, prefix: str) -> None:
    """Every key under `prefix` (a cluster client scans every node), one a command: keys
    of several slots cannot go in one DEL."""
    keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
    for key in keys:
        await client.unlink(key)


@pytest.fixture(scope="session", params=["sqlite", "postgres", CLUSTER_BACKEND])
async def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Backend]:
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("sqlite") / "casino.db"
        backend = Backend("sqlite", f"sqlite+aiosqlite:///{path}", "", "", "memory://")
        await _prepare(backend)
        yield backend
        return

    admin_url = make_url(TEST_DATABASE_URL)
    admin_dsn = admin_url.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"cc_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = await asyncpg.connect(admin_dsn, timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        _unavailable("PostgreSQL", exc)
    on_cluster = request.param == CLUSTER_BACKEND
    redis_url = TEST_REDIS_CLUSTER_URL if on_cluster else TEST_REDIS_URL
    redis: Redis | RedisCluster = (
        cluster_client(redis_url) if on_cluster else Redis.from_url(redis_url)
    )
    try:
        async with asyncio.timeout(5):
            await redis.ping()  # type: ignore[misc]  # redis-py types ping() as sync or async
    except Exception as exc:
        await admin.close()
        await redis.aclose()
        _unavailable("Redis Cluster" if on_cluster else "Redis", exc)
    await admin.execute(f'CREATE DATABASE "{name}"')
    prefix = f"cctest:{uuid.uuid4().hex[:8]}:"
    backend = Backend(
        request.param,
        admin_url.set(database=name).render_as_string(hide_password=False),
        redis_url,
        prefix,
        redis_url,
        redis_cluster=on_cluster,
    )
    try:
        await _prepare(backend)
        yield backend
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
        await delete_prefixed(redis, prefix)
        await redis.aclose()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
def settings(backend: Backend) -> Settings:
    return backend.settings()


@contextlib.asynccontextmanager
async def running_app(settings: Settings, clock: Clock | None = None) -> AsyncIterator[Starlette]:
    application = create_app(settings, clock=clock, configure_logs=False)
    # asgi-lifespan gives a start 5 s; on a loaded CI machine (browsers, Node builds and
    # servers beside the suite) one took longer and failed a test that never began.
    async with LifespanManager(
        application,
        startup_timeout=LIFESPAN_TIMEOUT_SECONDS,
        shutdown_timeout=LIFESPAN_TIMEOUT_SECONDS,
    ):
        yield application


@contextlib.asynccontextmanager
async def api_for(application: Starlette) -> AsyncIterator[Api]:
    transport = httpx.ASGITransport(app=application, client=("203.0.113.7", 4711))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield Api(client)


@pytest.fixture
async def app(settings: Settings, clock: FrozenClock) -> AsyncIterator[Starlette]:
    async with running_app(settings, clock) as application:
        yield application


@pytest.fixture
async def api(app: Starlette) -> AsyncIterator[Api]:
    async with api_for(app) as client:
        yield client


@pytest.fixture
async def admin_token(api: Api, settings: Settings) -> str:
    result = await api.login(settings.admin_site_id, ADMIN_PASSWORD)
    assert result["__typename"] == "AuthPayload", result
    token: str = result["accessToken"]
    return token


def start_redis(port: int) -> subprocess.Popen[bytes]:
    binary = shutil.which("redis-server")
    if binary is None:
        if REQUIRE_SERVICES:
            pytest.fail("REQUIRE_SERVICES=1 and redis-server is not installed")
        pytest.skip("redis-server is not installed")
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    deadline = time.monotonic() + REDIS_START_TIMEOUT_SECONDS
    while True:
        try:
            client.ping()
            return process
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                process.kill()
                pytest.fail("private redis-server did not start")
            time.sleep(0.05)


@pytest.fixture
def private_redis() -> Iterator[tuple[int, list[subprocess.Popen[bytes]]]]:
    """A Redis of this test's own, so stopping it disturbs nothing else."""
    port = free_port()
    processes = [start_redis(port)]
    yield port, processes
    for process in processes:
        process.kill()
        process.wait()
