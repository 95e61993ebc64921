"""Each caller's budget of operations per second, as a schema extension (SPEC §13).

Queries and mutations over HTTP or a WebSocket count, and so does each subscription's
start: the subscription and connection limits (live/limits.py) bound what is held at
once, not a loop of subscribing and stopping, each start of which subscribes to the
pub/sub and may replay from the store. Over budget, the operation is not executed: its
answer is one error, RATE_LIMITED with `retryAfterMs`. Who is counted, and how:
resolvers/request_budget.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from graphql import ExecutionResult, GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from casino_club.context import Context
from casino_club.domain.errors import ErrorCode
from casino_club.resolvers.request_budget import charge_operation


def over_budget(retry_after_ms: int) -> GraphQLError:
    return GraphQLError(
        "Too many requests; retry shortly",
        extensions={"code": ErrorCode.RATE_LIMITED.value, "retryAfterMs": retry_after_ms},
    )


class QueryBudget(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        """Count the operation before it runs; over budget, its result is the refusal
        (Strawberry executes only when no extension has set one). A subscription's start
        reads no result set here: the refusal is raised, which strawberry answers."""
        execution = self.execution_context
        context = execution.context
        if isinstance(context, Context) and not context.operation_charged:
            wait = await charge_operation(context)
            if wait is not None:
                if execution.operation_type is OperationType.SUBSCRIPTION:
                    raise over_budget(wait)
                execution.result = ExecutionResult(data=None, errors=[over_budget(wait)])
        yield
