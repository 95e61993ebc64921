"""The GraphQL view: strawberry's ASGI view, held to this API's rules of protocol.

Requests are read strictly (http_requests, live/ws_handlers), answered in the media type
asked (http_responses), persisted queries resolved (persisted_queries), browser origins
checked (origins) and GraphiQL served from the package (graphiql). app.py assembles it.
"""

from __future__ import annotations

import contextlib
import functools
from http import HTTPStatus
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.base import BaseRequestProtocol
from strawberry.types import ExecutionResult, SubscriptionExecutionResult

from casino_club import http_responses
from casino_club.context import AuthenticationFailed, Context
from casino_club.dataloaders import Loaders
from casino_club.domain.errors import ErrorCode
from casino_club.graphiql import GraphiQLPage
from casino_club.http_requests import StrictRequestAdapter, UnstorableJson
from casino_club.http_responses import GRAPHQL_RESPONSE_JSON, executed, response_media_type
from casino_club.live.ws_handlers import (
    FORBIDDEN,
    GONE,
    CheckedWebSocketAdapter,
    InitRefused,
    LegacyWSHandler,
    TransportWSHandler,
    fitting,
)
from casino_club.origins import OriginPolicy
from casino_club.persisted_queries import (
    AutomaticPersistedQueries,
    CodedRefusal,
    HashedRequestData,
)
from casino_club.resolvers import request_budget
from casino_club.resolvers.guards import address_bucket
from casino_club.schema import query_budget
from casino_club.schema.public_queries import is_public
from casino_club.schema.request_checks import MALFORMED_JSON, document_problem, json_problem
from casino_club.schema.root import CasinoSchema
from casino_club.security import InvalidToken, bearer_token
from casino_club.services import Services

# The close reason of a WebSocket from a page on an origin not allowed; the origin last,
# since a long one is cut to fit a close frame.
ORIGIN_REFUSED = "Origin not allowed (ALLOWED_ORIGINS): {origin}"


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

    def __init__(
        self,
        services: Services,
        schema: CasinoSchema,
        origins: OriginPolicy,
        graphiql: GraphiQLPage | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(schema=schema, graphql_ide="graphiql" if graphiql else None, **kwargs)
        self.services = services
        self.origins = origins
        self.graphiql = graphiql
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

    def is_websocket_origin_allowed(self, request: WebSocket, origin: str) -> bool:
        """A page on another origin may subscribe when it may fetch: one list (origins.py)."""
        return self.origins.allows(origin)

    async def render_graphql_ide(self, request: Request) -> Response:
        """Our page (casino_club.graphiql: no CDN, a strict CSP), not strawberry's."""
        assert self.graphiql is not None  # should_render_graphql_ide checked it
        return self.graphiql.response()

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
        return self.persisted_queries.check(parsed)

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        """Only when GraphiQL is on (else a browser's GET is any GET without a query: a
        JSON 400, not strawberry's 404 "Not Found"), and not for a GET carrying
        `extensions`: a persisted query's hash, sent with no query and often
        `Accept: */*` (Apollo Client 3), is an operation."""
        return (
            self.graphiql is not None
            and "extensions" not in request.query_params
            and super().should_render_graphql_ide(request)
        )

    async def execute_operation(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        request_data: GraphQLRequestData | list[GraphQLRequestData],
        context: Context,
        root_value: None,
        sub_response: Response,
    ) -> ExecutionResult | list[ExecutionResult] | SubscriptionExecutionResult:
        """A persisted query's hash sent alone is looked up here, where the caller is
        known: the lookup is charged to the caller's budget of operations before it
        reaches the store (a flood of unknown hashes is refused like any flood), and the
        operation it finds is not charged again (Context.operation_charged)."""
        if isinstance(request_data, HashedRequestData):
            wait = await request_budget.charge_operation(context)
            if wait is not None:
                return ExecutionResult(data=None, errors=[query_budget.over_budget(wait)])
            context.operation_charged = True
            request_data = await self.persisted_queries.lookup(request_data)
        return await super().execute_operation(
            request=request,
            request_adapter=request_adapter,
            request_data=request_data,
            context=context,
            root_value=root_value,
            sub_response=sub_response,
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

    async def reject_websocket(self, request: WebSocket) -> WebSocket:
        """A handshake from a page on an origin not allowed. Strawberry refuses it before
        accepting (an HTTP 403), of which a browser tells the page nothing but close code
        1006; accepted (in the subprotocol asked for, which a browser requires) and closed
        at once with 4403 and a reason, it still reads nothing from the page."""
        subprotocol = await self.pick_websocket_subprotocol(request)
        reason = ORIGIN_REFUSED.format(origin=request.headers.get("origin", ""))
        with contextlib.suppress(*GONE):
            await request.accept(subprotocol=subprotocol)
            await request.close(code=FORBIDDEN, reason=fitting(reason))
        return request

    async def on_ws_connect(self, context: Context) -> dict[str, object] | None:
        """Authenticate the connection from `connection_init` (or the upgrade header). A
        refusal is an InitRefused: the client is told why (live/ws_handlers)."""
        params = context.connection_params or {}
        raw = params.get("authorization") or params.get("Authorization")
        if raw is not None:
            try:
                context.token = bearer_token(str(raw))
                context.token_error = None
            except InvalidToken as exc:
                raise InitRefused(
                    f"Authentication failed: {exc}", code=ErrorCode.UNAUTHENTICATED.value
                ) from None
        # Each initialisation loads the viewer: it is an operation of the caller's budget
        # (a loop of connect-and-init would otherwise cost a query each, unbounded).
        wait = await request_budget.charge_operation(context)
        if wait is not None:
            refused = query_budget.over_budget(wait)
            raise InitRefused(refused.message, **(refused.extensions or {}))
        context.reset_viewer()
        try:
            viewer = await context.viewer()
        except AuthenticationFailed as exc:
            raise InitRefused(
                f"Authentication failed: {exc}", code=ErrorCode.UNAUTHENTICATED.value
            ) from None
        # A connection counts under its player and address (LimitReached: live/ws_handlers
        # closes it with the reason); a second graphql-ws init gives the first lease back.
        if context.connection_lease is not None:
            context.connection_lease.release()
            context.connection_lease = None
        context.connection_lease = await self.services.live.connection(
            viewer.id if viewer is not None else None, address_bucket(context.ip)
        )
        return None
