"""Automatic persisted queries over HTTP, as Apollo's clients speak them (SPEC §12.1).

A client sends `extensions.persistedQuery = {"version": 1, "sha256Hash": <hex>}`:

- with no `query`: the document stored under the hash runs; an unknown hash is answered
  HTTP 200 with `PersistedQueryNotFound` (code PERSISTED_QUERY_NOT_FOUND), on which the
  client sends the request again with its `query`;
- with a `query`: the hash must be the SHA-256 of its exact text (else a 400 and nothing
  is kept); it runs, and once it has run (it parsed and validated) it is kept under the
  hash, unless longer than PERSISTED_QUERY_MAX_BYTES (then it runs every time it is sent).

A hash alone is looked up only once the caller is known (the view charges the lookup to
the caller's budget of operations first, so a flood of unknown hashes is refused like any
other flood before it reaches the store; the operation found is not charged again).

Both over GET (Apollo's `useGETForHashedQueries`: the hash in the URL, so a cache can
answer) and POST; a GET still runs queries only. With PERSISTED_QUERIES=false a hash is
answered PersistedQueryNotSupported (PERSISTED_QUERY_NOT_SUPPORTED), on which Apollo's
link stops hashing. Where documents are kept, and what a Redis outage does (a miss):
persistence/persisted_queries.py.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re

from cross_web import HTTPException
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

from casino_club.domain.errors import ErrorCode
from casino_club.persistence.persisted_queries import PersistedQueryStore

PERSISTED_QUERY = "persistedQuery"
SUPPORTED_VERSION = 1
NOT_FOUND_MESSAGE = "PersistedQueryNotFound"
NOT_SUPPORTED_MESSAGE = "PersistedQueryNotSupported"
HASH_MISMATCH = "provided sha does not match query"
NOT_AN_OBJECT = "extensions.persistedQuery must be an object"
UNSUPPORTED_VERSION = "Unsupported persisted query version"
MALFORMED_HASH = "extensions.persistedQuery.sha256Hash must be 64 hexadecimal digits"
_SHA256 = re.compile("[0-9a-f]{64}")


class CodedRefusal(HTTPException):
    """A refusal before execution whose code is not its HTTP status's name: Apollo's
    clients read the persisted-query codes from a 200's GraphQL error."""

    def __init__(self, status_code: int, reason: str, code: ErrorCode) -> None:
        super().__init__(status_code, reason)
        self.code = code


@dataclasses.dataclass
class HashedRequestData(GraphQLRequestData):
    """A hash sent alone: its document is still to be looked up (`lookup`)."""

    sha256_hash: str = ""


@dataclasses.dataclass
class PersistedRequestData(GraphQLRequestData):
    """A request whose checked document is to be kept under `sha256_hash` once it ran."""

    sha256_hash: str = ""


class AutomaticPersistedQueries:
    """The protocol; `store` None when PERSISTED_QUERIES is off."""

    def __init__(self, store: PersistedQueryStore | None, max_bytes: int) -> None:
        self._store = store
        self._max_bytes = max_bytes

    def check(self, data: GraphQLRequestData) -> GraphQLRequestData:
        """The request as sent (no extension), a HashedRequestData (a hash alone, to be
        looked up), or a PersistedRequestData (a document to keep once it ran).

        The view has checked the request's own document (storable text) before: its
        bytes can be hashed. Raises HTTPException (a 400) for a malformed extension or a
        hash that is not the document's, CodedRefusal (a 200) when persisted queries
        are off.
        """
        extensions = data.extensions or {}
        if PERSISTED_QUERY not in extensions:
            return data
        if self._store is None:
            raise CodedRefusal(200, NOT_SUPPORTED_MESSAGE, ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED)
        sha256_hash = requested_hash(extensions[PERSISTED_QUERY])
        if data.query is None:
            return HashedRequestData(**vars(data), sha256_hash=sha256_hash)
        document = data.query.encode()
        if hashlib.sha256(document).hexdigest() != sha256_hash:
            raise HTTPException(400, HASH_MISMATCH)
        if len(document) > self._max_bytes:
            return data
        return PersistedRequestData(**vars(data), sha256_hash=sha256_hash)

    async def lookup(self, data: HashedRequestData) -> GraphQLRequestData:
        """The request with the document stored under its hash; CodedRefusal (a 200) for
        an unknown hash, on which the client sends the document."""
        assert self._store is not None  # check() answered NOT_SUPPORTED without one
        query = await self._store.get(data.sha256_hash)
        if query is None:
            raise CodedRefusal(200, NOT_FOUND_MESSAGE, ErrorCode.PERSISTED_QUERY_NOT_FOUND)
        return GraphQLRequestData(
            query=query,
            variables=data.variables,
            operation_name=data.operation_name,
            extensions=data.extensions,
            protocol=data.protocol,
        )

    async def remember(self, data: GraphQLRequestData, result: ExecutionResult) -> None:
        """Keep a hashed document that ran: one that did not parse or validate (no
        data) would only take a place in the store."""
        if (
            self._store is not None
            and isinstance(data, PersistedRequestData)
            and data.query is not None
            and result.data is not None
        ):
            await self._store.put(data.sha256_hash, data.query)


def requested_hash(persisted: object) -> str:
    """The hash of `extensions.persistedQuery`, lowercase; a 400 unless well formed."""
    if not isinstance(persisted, dict):
        raise HTTPException(400, NOT_AN_OBJECT)
    version = persisted.get("version")
    if type(version) is not int or version != SUPPORTED_VERSION:
        raise HTTPException(400, UNSUPPORTED_VERSION)
    sha256_hash = persisted.get("sha256Hash")
    if not isinstance(sha256_hash, str) or not _SHA256.fullmatch(sha256_hash.lower()):
        raise HTTPException(400, MALFORMED_HASH)
    return sha256_hash.lower()
