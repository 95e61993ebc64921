"""Introspection answered once per schema (SPEC §13).

The standard introspection query resolves thousands of fields, all describing a schema
that never changes while the process runs: five anonymous clients asking it in a loop
kept the event loop busy enough to slow every player to seconds. An operation that
selects nothing but introspection fields (`__schema`, `__type`, `__typename`) is answered
from a bounded cache keyed by its text, operation name and variables; only the first
request of each pays for the execution.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator

import orjson
from graphql import ExecutionResult, get_operation_ast
from strawberry.extensions import SchemaExtension
from strawberry.extensions.utils import is_introspection_key

from casino_club.schema.extensions import root_fields
from casino_club.schema.query_limits import fragments_of

Key = tuple[str, str | None, bytes]


class IntrospectionAnswers:
    """Answers by request, least recently used dropped first (each may be large)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._answers: OrderedDict[Key, ExecutionResult] = OrderedDict()

    def get(self, key: Key) -> ExecutionResult | None:
        answer = self._answers.get(key)
        if answer is not None:
            self._answers.move_to_end(key)
        return answer

    def put(self, key: Key, answer: ExecutionResult) -> None:
        self._answers[key] = answer
        self._answers.move_to_end(key)
        while len(self._answers) > self._size:
            self._answers.popitem(last=False)


class CachedIntrospection(SchemaExtension):
    def __init__(self, answers: IntrospectionAnswers) -> None:
        self._answers = answers

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        key = self._key()
        if key is None or execution.result is not None:
            yield
            return
        cached = self._answers.get(key)
        if cached is not None:
            execution.result = cached
            yield
            return
        yield
        result = execution.result
        if isinstance(result, ExecutionResult) and not result.errors:
            self._answers.put(key, result)

    def _key(self) -> Key | None:
        """The request's key if its operation selects only introspection fields."""
        execution = self.execution_context
        document, query = execution.graphql_document, execution.query
        if document is None or query is None:
            return None
        operation = get_operation_ast(document, execution.operation_name)
        if operation is None:
            return None
        fields = root_fields(operation, fragments_of(document))
        if not fields or not all(is_introspection_key(name) for name in fields):
            return None
        variables = orjson.dumps(execution.variables or {}, option=orjson.OPT_SORT_KEYS)
        return (query, execution.operation_name, variables)
