"""The ASGI application: /graphql (HTTP, WebSocket, GraphiQL), /health and /metrics."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator, Mapping
from typing import Any

import orjson
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from redis.asyncio import Redis
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError

from casino_club.clock import Clock
from casino_club.config import Settings, get_settings
from casino_club.context import AuthenticationFailed, Context
from casino_club.dataloaders import Loaders
from casino_club.observability import configure_logging, new_request_id, request_id_var
from casino_club.persistence.database import ping
from casino_club.resolvers import crash as crash_cases
from casino_club.schema.root import build_schema
from casino_club.security import InvalidToken, bearer_token
from casino_club.services import Job, Services

log = logging.getLogger("casino_club.app")

HEALTH_TIMEOUT_SECONDS = 2.0
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


class RequestIdMiddleware:
    """Gives every request and WebSocket connection an id: in logs, errors and `X-Request-ID`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _REQUEST_ID.fullmatch(incoming) else new_request_id()
        token = request_id_var.set(request_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            request_id_var.reset(token)


class BodySizeLimitMiddleware:
    """Refuses request bodies over the limit with 413 before any parsing (SPEC §13)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLarge
            return message

        try:
            await self.app(scope, counting_receive, send)
        except _BodyTooLarge:
            await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        response = JSONResponse(
            {
                "errors": [
                    {
                        "message": "Request body too large",
                        "extensions": {"code": "PAYLOAD_TOO_LARGE"},
                    }
                ]
            },
            status_code=413,
        )
        await response({"type": "http"}, _no_receive, send)


class _BodyTooLarge(Exception):
    pass


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}


class CasinoGraphQL(GraphQL[Context, None]):
    def __init__(self, services: Services, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.services = services

    def encode_json(self, data: object) -> str:
        # A str, not bytes: WebSocket frames must be text for graphql-ws clients.
        return orjson.dumps(data).decode()

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        token: str | None = None
        token_error: str | None = None
        try:
            token = bearer_token(request.headers.get("authorization"))
        except InvalidToken as exc:
            token_error = str(exc)
        return Context(
            services=self.services,
            request=request,
            response=response,
            token=token,
            token_error=token_error,
            loaders=Loaders.create(self.services),
        )

    async def on_ws_connect(self, context: Context) -> dict[str, object] | None:
        """Authenticate the connection from `connection_init` (or the upgrade header)."""
        params = context.connection_params or {}
        raw = params.get("authorization") or params.get("Authorization")
        if raw is not None:
            try:
                context.token = bearer_token(str(raw))
                context.token_error = None
            except InvalidToken as exc:
                raise ConnectionRejectionError({"message": str(exc)}) from None
        context.reset_viewer()
        try:
            await context.viewer()
        except AuthenticationFailed as exc:
            raise ConnectionRejectionError({"message": f"Authentication failed: {exc}"}) from None
        return None


async def _redis_ping(redis: Redis) -> None:
    await redis.ping()  # type: ignore[misc]


async def health(request: Request) -> JSONResponse:
    services: Services = request.app.state.services
    checks: dict[str, str] = {}
    try:
        await asyncio.wait_for(ping(services.engine), HEALTH_TIMEOUT_SECONDS)
        checks["database"] = "ok"
    except Exception as exc:
        log.warning("health: database down: %s", type(exc).__name__)
        checks["database"] = "down"
    if services.redis is None:
        checks["redis"] = "in-process"
    else:
        try:
            await asyncio.wait_for(_redis_ping(services.redis), HEALTH_TIMEOUT_SECONDS)
            checks["redis"] = "ok"
        except Exception as exc:
            log.warning("health: redis down: %s", type(exc).__name__)
            checks["redis"] = "down"
    healthy = "down" not in checks.values()
    return JSONResponse(
        {"status": "ok" if healthy else "degraded", **checks}, status_code=200 if healthy else 503
    )


async def metrics(request: Request) -> Response:
    services: Services = request.app.state.services
    return Response(generate_latest(services.metrics.registry), media_type=CONTENT_TYPE_LATEST)


def background_jobs(services: Services) -> list[Job]:
    async def sweep_crash_rounds() -> int:
        return await crash_cases.sweep(services)

    return [
        Job(
            "settled ended crash rounds",
            services.settings.crash_sweep_interval_seconds,
            sweep_crash_rounds,
        )
    ]


def create_app(
    settings: Settings | None = None, clock: Clock | None = None, configure_logs: bool = True
) -> Starlette:
    settings = settings or get_settings()
    if configure_logs:
        configure_logging(settings.log_level)
    services = Services.create(settings, clock)
    graphql = CasinoGraphQL(
        services,
        schema=build_schema(settings, services.metrics),
        graphql_ide="graphiql",
        allowed_origins=settings.allowed_origins,
        max_subscriptions_per_connection=settings.graphql_max_subscriptions_per_connection,
        # Legacy graphql-ws clients get "ka" messages; graphql-transport-ws relies on the
        # WebSocket pings uvicorn sends (`serve` sets --ws-ping-interval).
        keep_alive=True,
        keep_alive_interval=settings.ws_ping_interval_seconds,
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[Mapping[str, Any]]:
        log.info("starting", extra={"env": settings.app_env, "redis": settings.uses_redis})
        await services.start(jobs=background_jobs(services))
        try:
            yield {}
        finally:
            await services.close()

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/health", health),
            Route("/metrics", metrics),
        ],
        lifespan=lifespan,
    )
    app.state.services = services
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_request_bytes)
    app.add_middleware(RequestIdMiddleware)
    return app
