"""The GraphQL executor, with one change: it lets go of the request when it is done.

graphql-core 3.3's executor keeps bound methods of itself (`async_helpers`), a reference
cycle; through `context_value` it holds the whole request — our context, Starlette's
request and response, the loaders, the resolvers' frames — so every answered request
was left for the cyclic collector, ~60 objects each. At a few hundred requests a second
that forced a full collection every half second, 10-30 ms each: the long tail of the
latency. Breaking the cycle once the operation's result exists frees it all by
reference counting, as it becomes garbage.

Only a complete result releases (an incremental one, @defer/@stream, goes on running;
Strawberry's experimental switch for it is off). Sibling fields that graphql-core lets
finish in the background after an error has nulled their parent can no longer resolve
nested fields; their result was already discarded.
"""

from __future__ import annotations

from collections.abc import Awaitable
from inspect import isawaitable
from typing import Any

from graphql import ExecutionResult, OperationType
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

# Subscriptions go on after their first result: their executor keeps everything.
_ONE_RESULT = (OperationType.QUERY, OperationType.MUTATION)


class ReleasingExecutor(StrawberryGraphQLCoreExecutionContext):
    def execute_operation(self, serially: bool | None = None) -> Any:
        result = super().execute_operation(serially)
        if self.operation.operation not in _ONE_RESULT:
            return result
        if isawaitable(result):
            return self._released_after(result)
        self._release(result)
        return result

    async def _released_after(self, pending: Awaitable[Any]) -> Any:
        result = await pending
        self._release(result)
        return result

    def _release(self, result: object) -> None:
        if isinstance(result, ExecutionResult):
            del self.async_helpers
