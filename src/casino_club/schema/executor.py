"""The GraphQL executor, with one change: it lets go of the request when it is done.

graphql-core 3.3's executor keeps bound methods of itself (`async_helpers`), a reference
cycle; through `context_value` it holds the whole request — our context, Starlette's
request and response, the loaders, the resolvers' frames — so every answered request
was left for the cyclic collector, ~60 objects each. At a few hundred requests a second
that forced a full collection every half second, 10-30 ms each: the long tail of the
latency. Breaking the cycle once the operation's result exists frees it all by
reference counting, as it becomes garbage.
"""

from __future__ import annotations

from collections.abc import Awaitable
from inspect import isawaitable
from typing import Any

from graphql import OperationType
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
        self._release()
        return result

    async def _released_after(self, pending: Awaitable[Any]) -> Any:
        try:
            return await pending
        finally:
            self._release()

    def _release(self) -> None:
        del self.async_helpers
