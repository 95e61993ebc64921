"""How /graphql answers over HTTP: its media type, status and caching (SPEC §12.1).

- **Media type** (GraphQL-over-HTTP): a client whose `Accept` prefers
  `application/graphql-response+json` (Apollo Client 4, urql, graphql-http) gets it;
  anyone else `application/json`, as before. Media types are compared case-insensitively
  and `q` weights are honoured; a wildcard alone means `application/json`.
- **Status**: with `application/json` a GraphQL response is a 200 whatever its errors
  (what older clients expect). With `application/graphql-response+json` a request that
  failed before execution (it did not parse or validate, a variable could not be
  coerced, the caller was over budget) has no `data` entry and a 4xx (429 over budget,
  503 when a dependency is down); once execution began it is a 200, errors or not.
- **Caching**: a GET of public fields only (schema/public_queries.py) that answered
  without errors carries `Cache-Control: public, max-age=N` and `Vary: Accept` (the media
  type depends on it); every other answer — POST, anything private, any error, any
  refusal — carries `no-store`.
"""

from __future__ import annotations

from functools import lru_cache

from starlette.responses import Response
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from casino_club.domain.errors import ErrorCode

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
APPLICATION_JSON = "application/json"
NO_STORE = "no-store"
_WILDCARDS = ("*/*", "application/*")
_STATUS_BY_CODE = {
    ErrorCode.RATE_LIMITED.value: 429,
    ErrorCode.SERVICE_UNAVAILABLE.value: 503,
}
# Distinct Accept values are few (one per client library); a bounded cache of them.
_ACCEPT_CACHE_SIZE = 256


def weight(parameters: str) -> float:
    """The `q` parameter of a media range (1 when absent; 0 when malformed: a range the
    client did not weigh sensibly is not taken as preferred)."""
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value.strip())
            except ValueError:
                return 0.0
            return q if 0.0 <= q <= 1.0 else 0.0
    return 1.0


@lru_cache(maxsize=_ACCEPT_CACHE_SIZE)
def response_media_type(accept: str | None) -> str:
    """`application/graphql-response+json` when the client names it and weighs it at
    least as much as `application/json`; else `application/json`."""
    graphql_q = json_q = 0.0
    for media_range in (accept or "").split(","):
        media_type, _, parameters = media_range.partition(";")
        media_type = media_type.strip().lower()
        if media_type == GRAPHQL_RESPONSE_JSON:
            graphql_q = max(graphql_q, weight(parameters))
        elif media_type == APPLICATION_JSON:
            json_q = max(json_q, weight(parameters))
    return GRAPHQL_RESPONSE_JSON if graphql_q > 0 and graphql_q >= json_q else APPLICATION_JSON


def executed(result: ExecutionResult) -> bool:
    """Execution began: there is data, or an error in a field (which has a path).
    Errors before execution (parse, validation, variables, budget) have no path."""
    return result.data is not None or any(error.path for error in result.errors or ())


def unexecuted_status(result: ExecutionResult) -> int:
    """The 4xx (or 503) of a request that failed before execution."""
    for error in result.errors or ():
        status = _STATUS_BY_CODE.get((error.extensions or {}).get("code", ""))
        if status is not None:
            return status
    return 400


def without_data(response: GraphQLHTTPResponse) -> GraphQLHTTPResponse:
    """`application/graphql-response+json` has no `data` entry before execution."""
    trimmed = response.copy()
    trimmed.pop("data", None)
    return trimmed


def public_cache_control(max_age_seconds: int) -> str | None:
    return f"public, max-age={max_age_seconds}" if max_age_seconds > 0 else None


def finish(response: Response, accept: str | None) -> None:
    """Every JSON answer of /graphql in the client's media type, and `no-store` unless
    the view found it public (GraphiQL's page, HTML, keeps its own headers)."""
    content_type = response.headers.get("content-type", "")
    if not content_type.startswith(APPLICATION_JSON):
        return
    response.headers["content-type"] = response_media_type(accept)
    if "cache-control" not in response.headers:
        response.headers["cache-control"] = NO_STORE
