"""How /graphql reads an HTTP request's headers and query string, where strawberry's
reading is lenient in ways a client can exploit or trip over (SPEC §12.1, §13).

- Media types are case-insensitive (RFC 9110 §8.3.1): strawberry compares the
  Content-Type with "application/json" as written, so `APPLICATION/JSON` was refused.
- Starlette percent-decodes the query string replacing invalid UTF-8 with U+FFFD, so a
  GET whose `variables` held `%FF` ran with a character the client never sent, where
  the same bytes in a POST body are a 400. Decoded here with `surrogateescape`, each
  invalid byte becomes a lone surrogate, which the view's checks already refuse: in
  JSON (`variables`, `extensions`) as malformed, in the document or operation name as
  unstorable text — a 400 either way.
"""

from __future__ import annotations

from functools import cached_property
from urllib.parse import parse_qsl

import orjson
from cross_web import StarletteRequestAdapter
from starlette.datastructures import QueryParams


class UnstorableJson(orjson.JSONDecodeError):
    """Well-formed JSON holding a string no column can store (schema/request_checks
    `json_problem`): refused like malformed JSON, over HTTP and WebSocket alike."""


def lowercase_media_type(content_type: str) -> str:
    """`APPLICATION/JSON; charset=UTF-8` → `application/json; charset=UTF-8` (parameter
    values, such as a multipart boundary, may be case-sensitive and are kept)."""
    media_type, separator, parameters = content_type.partition(";")
    return media_type.strip().lower() + separator + parameters


class StrictRequestAdapter(StarletteRequestAdapter):
    """Strawberry's view of a Starlette request, read as the module doc says."""

    @property
    def content_type(self) -> str | None:
        value = super().content_type
        return None if value is None else lowercase_media_type(value)

    @cached_property
    def query_params(self) -> QueryParams:
        query_string = self._request.scope["query_string"].decode("latin-1")
        pairs = parse_qsl(query_string, keep_blank_values=True, errors="surrogateescape")
        return QueryParams(pairs)
