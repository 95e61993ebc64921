"""The ASGI application: /graphql (HTTP, WebSocket, GraphiQL), /health and /metrics."""

from __future__ import annotations

import contextlib
import functools
import gc
import logging
import re
from collections.abc import AsyncIterator, Mapping
from datetime import timedelta
from http import HTTPStatus
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.base import BaseRequestProtocol
from strawberry.types import ExecutionResult
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from casino_club import http_responses, jobs
from casino_club.clock import Clock
from casino_club.config import Settings, get_settings
from casino_club.context import AuthenticationFailed, Context
from casino_club.dataloaders import Loaders
from casino_club.domain.errors import ErrorCode
from casino_club.health import HealthProbe
from casino_club.http_requests import StrictRequestAdapter, UnstorableJson
from casino_club.http_responses import GRAPHQL_RESPONSE_JSON, executed, response_media_type
from casino_club.live.ws_handlers import (
    CheckedWebSocketAdapter,
    LegacyWSHandler,
    TransportWSHandler,
)
from casino_club.observability import configure_logging, new_request_id, request_id_var
from casino_club.persisted_queries import AutomaticPersistedQueries, CodedRefusal
from casino_club.resolvers import payment_webhooks, request_budget
from casino_club.resolvers.guards import address_bucket
from casino_club.schema import query_budget
from casino_club.schema.extensions import UNAVAILABLE_MESSAGE, is_unavailable
from casino_club.schema.public_queries import is_public
from casino_club.schema.request_checks import MALFORMED_JSON, document_problem, json_problem
from casino_club.schema.root import CasinoSchema, build_schema
from casino_club.security import InvalidToken, bearer_token
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


class CasinoGraphQL(GraphQL[Context, None]):
    """Strawberry's view, refusing malformed requests with a JSON 400 (SPEC §13).

    Strawberry assumes a well-formed request: a body of `null`, a number or a string,
    invalid UTF-8, a 5,000-digit integer or 30,000 nested `[` each escape it as a 500.
    Headers and query strings are read by `StrictRequestAdapter` (http_requests),
    WebSocket frames by `CheckedWebSocketAdapter` and our protocol handlers (live/ws_handlers.py).
    Persisted queries: persisted_queries; media types, statuses and caching: http_responses.
    """

    graphql_transport_ws_handler_class = TransportWSHandler[Context]
    graphql_ws_handler_class = LegacyWSHandler[Context]
    websocket_adapter_class = CheckedWebSocketAdapter
    request_adapter_class = StrictRequestAdapter

    def __init__(self, services: Services, schema: CasinoSchema, **kwargs: Any) -> None:
        super().__init__(schema=schema, **kwargs)
        self.services = services
        settings = services.settings
        self._documents = schema.documents
        self.persisted_queries = AutomaticPersistedQueries(
            services.persisted_queries if settings.persisted_queries else None,
            settings.persisted_query_max_bytes,
        )
        self._public_cache_control = http_responses.public_cache_control(
            settings.public_query_max_age_seconds
        )
        self._max_tokens = settings.graphql_max_tokens
        # A verdict per document, as the parser caches the parsed document: frontends
        # send the same operations again and again.
        self._document_problem = functools.lru_cache(maxsize=settings.graphql_cache_size)(
            document_problem
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """As strawberry's, but a refusal is a GraphQL error in JSON, not text/plain."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive=receive)
        try:
            response = await self.run(request)
        except HTTPException as exc:
            response = self._refusal(exc)
        http_responses.finish(response, request.headers.get("accept"))
        await response(scope, receive, send)

    def _refusal(self, exc: HTTPException) -> Response:
        code = exc.code.value if isinstance(exc, CodedRefusal) else HTTPStatus(exc.status_code).name
        body = {"errors": [{"message": exc.reason, "extensions": {"code": code}}]}
        return Response(
            self.encode_json(body), status_code=exc.status_code, media_type="application/json"
        )

    def encode_json(self, data: object) -> str:
        # A str, not bytes: WebSocket frames must be text for graphql-ws clients.
        return orjson.dumps(data).decode()

    def decode_json(self, data: str | bytes) -> object:
        """orjson, for HTTP bodies and WebSocket messages alike.

        It refuses invalid UTF-8, unpaired surrogates, nesting deeper than 1,024 and
        numbers beyond a double with a `JSONDecodeError`, which strawberry expects; the
        standard library raises UnicodeDecodeError, RecursionError or Python's own
        integer-conversion ValueError instead, and strawberry lets those become 500s.
        A string that cannot be stored (NUL, a lone surrogate) is refused here too, so a
        WebSocket message carrying one is refused like a malformed one (close 4400).
        """
        value = orjson.loads(data)
        problem = json_problem(value)
        if problem is not None:
            raise UnstorableJson(problem, "", 0)
        return value

    def parse_json(self, data: str | bytes) -> dict[str, object]:
        """A JSON object (the body, or GET's `variables` and `extensions`), else a 400."""
        try:
            value = self.decode_json(data)
        except UnstorableJson as exc:
            raise HTTPException(400, exc.msg) from None
        except orjson.JSONDecodeError:
            raise HTTPException(400, MALFORMED_JSON) from None
        if not isinstance(value, dict):
            raise HTTPException(400, "Expected a JSON object")
        return value

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        """Strawberry checks the types of `query`, `variables` and `extensions`; we add
        `operationName`, and refuse unstorable strings and out-of-range number literals."""
        parsed = await super().parse_http_body(request)
        for data in parsed if isinstance(parsed, list) else [parsed]:
            self._check_request(data)
        if isinstance(parsed, list):  # refused by parse_json: batching is off
            return parsed
        return await self.persisted_queries.resolve(parsed)

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        """Not for a GET carrying `extensions`: a persisted query's hash, sent with no
        query and often `Accept: */*` (Apollo Client 3), is an operation."""
        return "extensions" not in request.query_params and super().should_render_graphql_ide(
            request
        )

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """Runs the operation, keeps a persisted query that ran, and marks the answer
        public or refused before execution (http_responses)."""
        result = await super().execute_single(
            request, request_adapter, sub_response, context, root_value, request_data
        )
        await self.persisted_queries.remember(request_data, result)
        if self._is_cacheable(request_adapter.method, request_data, result):
            assert self._public_cache_control is not None
            sub_response.headers["cache-control"] = self._public_cache_control
            sub_response.headers.add_vary_header("Accept")
        elif not executed(result) and self._prefers_graphql_response(request):
            sub_response.status_code = http_responses.unexecuted_status(result)
        return result

    def _is_cacheable(
        self, method: str, request_data: GraphQLRequestData, result: ExecutionResult
    ) -> bool:
        """A GET of public fields only, answered without an error (schema/public_queries:
        why the token does not matter); the document parsed, so its parse is cached."""
        return (
            self._public_cache_control is not None
            and method == "GET"
            and not result.errors
            and request_data.query is not None
            and is_public(self._documents.parse(request_data.query), request_data.operation_name)
        )

    def _prefers_graphql_response(self, request: Request) -> bool:
        return response_media_type(request.headers.get("accept")) == GRAPHQL_RESPONSE_JSON

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        response = await super().process_result(request, result)
        if not executed(result) and self._prefers_graphql_response(request):
            return http_responses.without_data(response)
        return response

    def _check_request(self, data: GraphQLRequestData) -> None:
        if not isinstance(data.operation_name, str | None):
            raise HTTPException(400, "operationName must be a string or null")
        problem = json_problem([data.operation_name, data.variables, data.extensions])
        if problem is None and data.query is not None:
            problem = self.document_problem(data.query)
        if problem is not None:
            raise HTTPException(400, problem)

    def document_problem(self, query: str) -> str | None:
        """Why the document is refused before parsing (request_checks), over HTTP and
        WebSocket alike; cached per document."""
        return self._document_problem(query, self._max_tokens)

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
        # Each initialisation loads the viewer: it is an operation of the caller's budget
        # (a loop of connect-and-init would otherwise cost a query each, unbounded).
        wait = await request_budget.charge_operation(context)
        if wait is not None:
            refused = query_budget.over_budget(wait)
            raise ConnectionRejectionError(
                {"message": refused.message, **(refused.extensions or {})}
            )
        context.reset_viewer()
        try:
            viewer = await context.viewer()
        except AuthenticationFailed as exc:
            raise ConnectionRejectionError({"message": f"Authentication failed: {exc}"}) from None
        # A connection counts under its player and address (LimitReached: live/ws_handlers
        # closes it with the reason); a second graphql-ws init gives the first lease back.
        if context.connection_lease is not None:
            context.connection_lease.release()
            context.connection_lease = None
        context.connection_lease = await self.services.live.connection(
            viewer.id if viewer is not None else None, address_bucket(context.ip)
        )
        return None


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


def create_app(
    settings: Settings | None = None, clock: Clock | None = None, configure_logs: bool = True
) -> Starlette:
    settings = settings or get_settings()
    if configure_logs:
        configure_logging(settings.log_level)
    services = Services.create(settings, clock)
    probe = HealthProbe(settings)
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
        # Both protocols close a connection that sends no connection_init by then.
        connection_init_wait_timeout=timedelta(seconds=settings.ws_connection_init_timeout_seconds),
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[Mapping[str, Any]]:
        log.info("starting", extra={"env": settings.app_env, "redis": settings.uses_redis})
        await services.start()
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

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/webhooks/payments", payment_webhook, methods=["POST"]),
            Route("/health", health),
            Route("/metrics", metrics),
        ],
        lifespan=lifespan,
    )
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
