"""Redis down (SPEC §13): health says so, gameplay refuses clearly and changes nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.conftest import Backend, api_for, running_app
from tests.e2e.conftest import free_port
from tests.support import FAIRNESS, SPIN, Api, error_codes


@pytest.fixture
async def api_without_redis(backend: Backend) -> AsyncIterator[Api]:
    nothing_listens = f"redis://127.0.0.1:{free_port()}/0"
    settings = backend.settings(redis_url=nothing_listens, broadcast_url="memory://")
    async with running_app(settings) as application, api_for(application) as api:
        yield api


async def test_spins_refuse_with_service_unavailable(api_without_redis: Api) -> None:
    api = api_without_redis
    health = await api.client.get("/health")
    assert health.status_code == 503
    assert health.json()["redis"] == "down"

    player = await api.new_player()  # accounts need only the database
    token = player["accessToken"]
    before = (await api.data(FAIRNESS, token=token))["me"]
    body = await api.execute(
        SPIN, {"input": {"stake": 10, "idempotencyKey": "while-down"}}, token=token
    )
    assert error_codes(body) == ["SERVICE_UNAVAILABLE"]
    assert (await api.data(FAIRNESS, token=token))["me"] == before
