"""The GraphQL executor, with two changes: it codes the errors of variables it cannot
coerce, and it lets go of the request when it is done.

graphql-core answers a variable of the wrong type (`"x"` for an `Int!`, a missing
non-null one) with errors that carry no code; they are the client's input, refused
before anything ran, so each gets BAD_USER_INPUT (SPEC §12.1), on every transport.

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

from graphql import ExecutionResult, GraphQLError, OperationType
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from casino_club.domain.errors import ErrorCode

# Subscriptions go on after their first result: their executor keeps everything.
_ONE_RESULT = (OperationType.QUERY, OperationType.MUTATION)


class ReleasingExecutor(StrawberryGraphQLCoreExecutionContext):
    @classmethod
    def build(cls, *args: Any, **kwargs: Any) -> Any:
        """graphql-core's executor, or the request's errors, each coded: the operation
        named was resolved before (strawberry answers a missing one with a 400), so
        what is left are the variables'."""
        built = super().build(*args, **kwargs)
        if isinstance(built, list):
            for error in built:
                if isinstance(error, GraphQLError) and "code" not in (error.extensions or {}):
                    error.extensions = {
                        **(error.extensions or {}),
                        "code": ErrorCode.BAD_USER_INPUT.value,
                    }
        return built

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
