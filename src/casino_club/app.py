"""The ASGI application: /graphql (HTTP, WebSocket, GraphiQL), /health and /metrics."""

from __future__ import annotations

import contextlib
import gc
import logging
import re
from collections.abc import AsyncIterator, Mapping
from datetime import timedelta
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from casino_club import jobs, web
from casino_club.clock import Clock
from casino_club.config import Settings, get_settings
from casino_club.domain.errors import ErrorCode
from casino_club.graphiql import ASSET_PREFIX, page_for
from casino_club.graphql_view import CasinoGraphQL
from casino_club.health import HealthProbe
from casino_club.observability import configure_logging, new_request_id, request_id_var
from casino_club.origins import OriginPolicy
from casino_club.resolvers import invites, payment_webhooks
from casino_club.schema.extensions import UNAVAILABLE_MESSAGE, is_unavailable
from casino_club.schema.root import build_schema
from casino_club.services import Services
from casino_club.slow_clients import BodyDeadlineMiddleware

log = logging.getLogger("casino_club.app")

WEBHOOK_UNAVAILABLE = "service unavailable; retry shortly"
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
                        "extensions": {"code": ErrorCode.PAYLOAD_TOO_LARGE.value},
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


async def health(request: Request) -> JSONResponse:
    """Each dependency's state, checked off the serving loop (casino_club.health)."""
    probe: HealthProbe = request.app.state.health
    checks = await probe.check()
    healthy = "down" not in checks.values()
    return JSONResponse(
        {"status": "ok" if healthy else "degraded", **checks}, status_code=200 if healthy else 503
    )


async def metrics(request: Request) -> Response:
    services: Services = request.app.state.services
    return Response(generate_latest(services.metrics.registry), media_type=CONTENT_TYPE_LATEST)


async def payment_webhook(request: Request) -> JSONResponse:
    """The provider's callbacks: the raw body, since the signature covers its exact bytes."""
    services: Services = request.app.state.services
    try:
        answer = await payment_webhooks.receive(
            services, await request.body(), request.headers.get("payment-signature")
        )
    except Exception as exc:
        # Nothing was recorded (each step is its own transaction, rolled back): the
        # provider redelivers on a 503, as it would on a 500 — but a 500 is a bug's code.
        # The body is not logged: it is the provider's, and names payments.
        if is_unavailable(exc):
            log.warning("payment webhook not processed: %s", UNAVAILABLE_MESSAGE)
        else:
            log.error("payment webhook not processed: %s", type(exc).__name__, exc_info=exc)
        return JSONResponse({"error": WEBHOOK_UNAVAILABLE}, status_code=503)
    return JSONResponse(answer.body, status_code=answer.status_code)


def tune_collector(settings: Settings) -> None:
    """Once started: the startup heap frozen out of the collector's sight, and (for the
    requests' short-lived objects) fewer young-generation passes."""
    if settings.gc_young_threshold:
        gc.set_threshold(settings.gc_young_threshold, *gc.get_threshold()[1:])
    if settings.gc_freeze_at_startup:
        gc.collect()
        gc.freeze()


async def warn_of_signup(services: Services) -> None:
    """Production seeds no invite code: say at start when nobody can sign up, or when
    the development code is open to anyone (resolvers.invites.signup_warning)."""
    try:
        warning = await invites.signup_warning(services)
    except SQLAlchemyError as error:
        log.warning("invite codes not checked at start: %s", type(error).__name__)
        return
    if warning is not None:
        log.warning(warning)


def create_app(
    settings: Settings | None = None, clock: Clock | None = None, configure_logs: bool = True
) -> Starlette:
    settings = settings or get_settings()
    if configure_logs:
        configure_logging(settings.log_level)
    services = Services.create(settings, clock)
    probe = HealthProbe(settings)
    origins = OriginPolicy.from_settings(settings)
    graphiql = page_for(settings)
    graphql = CasinoGraphQL(
        services,
        build_schema(settings, services.metrics),
        origins,
        graphiql=graphiql,
        max_subscriptions_per_connection=settings.graphql_max_subscriptions_per_connection,
        # Legacy graphql-ws clients get "ka" messages; graphql-transport-ws relies on the
        # WebSocket pings uvicorn sends (`serve` sets --ws-ping-interval).
        keep_alive=True,
        keep_alive_interval=settings.ws_ping_interval_seconds,
        # Both protocols close a connection that sends no connection_init by then.
        connection_init_wait_timeout=timedelta(seconds=settings.ws_connection_init_timeout_seconds),
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[Mapping[str, Any]]:
        log.info("starting", extra={"env": settings.app_env, "redis": settings.uses_redis})
        await services.start()
        if settings.app_env == "production":
            await warn_of_signup(services)
        try:
            async with jobs.running(services):
                probe.start()
                tune_collector(settings)
                try:
                    yield {}
                finally:
                    await probe.close()
        finally:  # a probe that will not close must not keep the services open
            await services.close()

    routes = [
        Route("/graphql", origins.cors(graphql), methods=["GET", "POST", "OPTIONS"]),
        WebSocketRoute("/graphql", graphql),
        Route("/webhooks/payments", payment_webhook, methods=["POST"]),
        Route("/health", health),
        Route("/metrics", metrics),
        *web.routes(),
    ]
    if graphiql is not None:
        routes.append(Route(f"{ASSET_PREFIX}/{{path:path}}", graphiql.serve_asset))
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.services = services
    app.state.health = probe
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_request_bytes)
    app.add_middleware(BodyDeadlineMiddleware, seconds=settings.http_body_timeout_seconds)
    if settings.trusted_proxies:
        # The client address (per-address limits, login records) comes from
        # X-Forwarded-For only when the peer is one of these proxies.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    app.add_middleware(RequestIdMiddleware)
    return app
