"""Schema extensions: error masking with request ids, and per-operation metrics."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError
from strawberry.extensions import MaskErrors, SchemaExtension
from strawberry.types.execution import ExecutionResult

from casino_club.observability import Metrics, request_id_var

log = logging.getLogger("casino_club.graphql")


def is_unexpected(error: GraphQLError) -> bool:
    """An exception escaped a resolver: its text is ours, not the client's, so mask it.

    Parse, validation and variable-coercion errors (no path) and deliberate GraphQL
    errors (UNAUTHENTICATED, FORBIDDEN, …) are the client's to read.
    """
    original = error.original_error
    return (
        error.path is not None and original is not None and not isinstance(original, GraphQLError)
    )


class MaskUnexpectedErrors(MaskErrors):
    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected, error_message="Internal server error")

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = request_id_var.get()
        log.error(
            "unexpected error in %s",
            ".".join(str(p) for p in error.path or ()),
            exc_info=error.original_error,
        )
        masked = super().anonymise_error(error)
        masked.extensions = {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
        return masked


class OperationMetrics(SchemaExtension):
    """Counts and times each operation by name and outcome (ok / error)."""

    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        context = self.execution_context
        result = context.result
        failed = isinstance(result, ExecutionResult | GraphQLExecutionResult) and bool(
            result.errors
        )
        if context.pre_execution_errors:
            failed = True
        self._metrics.observe(
            context.operation_name, "error" if failed else "ok", time.perf_counter() - started
        )
