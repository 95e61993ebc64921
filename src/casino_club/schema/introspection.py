"""Introspection answered once per schema (SPEC §13).

The standard introspection query resolves thousands of fields, all describing a schema
that never changes while the process runs: five anonymous clients asking it in a loop
kept the event loop busy enough to slow every player to seconds. An operation that
selects nothing but introspection fields (`__schema`, `__type`, `__typename`) is answered
from a bounded cache keyed by its text, operation name and variables; only the first
request of each pays for the execution.

A caller could still miss the cache on purpose — the same query with a space more, an
alias, or an ordinary field beside `__schema` (never cached) — and make every request pay
~100 ms. So a miss is charged to the caller (a player by account, anyone else by
address: resolvers/request_budget.caller), once per `__schema` or `__type` it executes (fifteen
aliases execute fifteen): at most
`GRAPHQL_INTROSPECTION_MISSES_PER_MINUTE`, beyond which the operation answers
RATE_LIMITED. GraphiQL, codegen and Apollo send the same text again and again, and
find it answered.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import AsyncIterator

import orjson
from graphql import ExecutionResult, get_operation_ast
from strawberry.extensions import SchemaExtension
from strawberry.extensions.utils import is_introspection_key

from casino_club.context import Context
from casino_club.resolvers.request_budget import charge_introspection
from casino_club.schema.extensions import root_fields, root_keys
from casino_club.schema.query_budget import over_budget
from casino_club.schema.query_limits import fragments_of

DESCRIBING_SCHEMA = frozenset({"__schema", "__type"})

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

    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        if execution.result is not None:
            yield
            return
        key = self._key()
        cached = None if key is None else self._answers.get(key)
        if cached is not None:
            execution.result = cached
            yield
            return
        # Not answered from the cache: `__schema` beside an ordinary field is never
        # cached (its answer is not static), and is charged as a miss all the same.
        wait = await self._charge_misses(self._descriptions())
        if wait is not None:
            execution.result = ExecutionResult(data=None, errors=[over_budget(wait)])
            yield
            return
        yield
        result = execution.result
        if key is not None and isinstance(result, ExecutionResult) and not result.errors:
            self._answers.put(key, result)

    async def _charge_misses(self, descriptions: int) -> int | None:
        """None if the caller may have these misses executed, else the ms until they may."""
        context = self.execution_context.context
        if not isinstance(context, Context):
            return None
        return await charge_introspection(context, descriptions)

    def _descriptions(self) -> int:
        """How many times the operation describes the schema: each `__schema` or `__type`
        at its root under a response key (alias) of its own, as the executor runs them
        (`{ __typename }` is a ping, not counted)."""
        document = self.execution_context.graphql_document
        operation = (
            None
            if document is None
            else get_operation_ast(document, self.execution_context.operation_name)
        )
        if document is None or operation is None:
            return 0
        return len(root_keys(operation, fragments_of(document), DESCRIBING_SCHEMA))

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
