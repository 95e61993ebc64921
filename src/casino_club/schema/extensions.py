"""Schema extensions: error masking with request ids, and per-operation metrics."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    get_operation_ast,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeout
from strawberry.extensions import MaskErrors, SchemaExtension

from casino_club.domain.errors import ErrorCode, RequestRefused
from casino_club.observability import Metrics, request_id_var
from casino_club.schema.documents import DocumentCache
from casino_club.schema.query_limits import fragments_of

log = logging.getLogger("casino_club.graphql")


def is_unexpected(error: GraphQLError) -> bool:
    """An exception escaped a resolver: its text is ours, not the client's, so mask it.

    Parse, validation and variable-coercion errors (no path), deliberate GraphQL errors
    and refused requests (UNAUTHENTICATED, FORBIDDEN, …: `RequestRefused`, whose code
    graphql-core copies into `extensions`) are the client's to read.
    """
    original = error.original_error
    return (
        error.path is not None
        and original is not None
        and not isinstance(original, GraphQLError | RequestRefused)
    )


# SQLSTATE classes of a database that is not answering: 08 connection exception,
# 57 operator intervention (57014: statement_timeout cancelled the query).
_UNAVAILABLE_SQLSTATE_CLASSES = ("08", "57")
UNAVAILABLE_MESSAGE = "A backing service is unavailable; retry shortly"


def is_unavailable(error: BaseException | None) -> bool:
    """The database (or another dependency) timed out or dropped the connection: not a
    bug, and a retry may succeed, so the client is told SERVICE_UNAVAILABLE."""
    seen: list[BaseException] = []
    while error is not None and all(error is not other for other in seen):
        seen.append(error)
        if isinstance(error, TimeoutError | SQLAlchemyTimeout | ConnectionError):
            return True
        if isinstance(error, DBAPIError) and error.connection_invalidated:
            return True
        sqlstate = getattr(error, "sqlstate", None)
        if isinstance(sqlstate, str) and sqlstate[:2] in _UNAVAILABLE_SQLSTATE_CLASSES:
            return True
        error = error.__cause__ or error.__context__
    return False


class MaskUnexpectedErrors(MaskErrors):
    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected, error_message="Internal server error")

    def _process_result(self, result: Any) -> None:
        # The base class asks `isinstance(result, <runtime-checkable Protocol>)`, and
        # typing walks the protocol's members on every call: ~2% of a spin's CPU. Every
        # result reaching here (an execution result or a stream's part) has `errors`.
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = self._process_errors(errors)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = request_id_var.get()
        where = ".".join(str(p) for p in error.path or ())
        masked = super().anonymise_error(error)
        if is_unavailable(error.original_error):
            log.warning("backing service unavailable in %s", where, exc_info=error.original_error)
            masked.message = UNAVAILABLE_MESSAGE
            masked.extensions = {
                "code": ErrorCode.SERVICE_UNAVAILABLE.value,
                "requestId": request_id,
            }
            return masked
        log.error("unexpected error in %s", where, exc_info=error.original_error)
        masked.extensions = {"code": ErrorCode.INTERNAL_SERVER_ERROR.value, "requestId": request_id}
        return masked


# More distinct root fields than this are labelled "(many)": combinations multiply.
MAX_LABEL_FIELDS = 3
INVALID_LABEL = "invalid"


def root_field_nodes(
    operation: OperationDefinitionNode, fragments: Mapping[str, FragmentDefinitionNode]
) -> Iterator[FieldNode]:
    """The fields the operation selects at its root, through its fragments.

    Fragments are followed once each, as the executor does: a fragment spread many
    times costs one walk.
    """
    followed: set[str] = set()
    stack = [operation.selection_set]
    while stack:
        for selection in stack.pop().selections:
            if isinstance(selection, FieldNode):
                yield selection
            elif isinstance(selection, InlineFragmentNode):
                stack.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in fragments and name not in followed:
                    followed.add(name)
                    stack.append(fragments[name].selection_set)


def root_fields(
    operation: OperationDefinitionNode, fragments: Mapping[str, FragmentDefinitionNode]
) -> set[str]:
    """The names (not aliases) of the fields the operation selects at its root."""
    return {field.name.value for field in root_field_nodes(operation, fragments)}


def root_keys(
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    names: frozenset[str],
) -> set[str]:
    """The response keys (aliases, else names) of the operation's root fields named in
    `names`: the executor runs each key once."""
    return {
        (field.alias or field.name).value
        for field in root_field_nodes(operation, fragments)
        if field.name.value in names
    }


def operation_label(document: DocumentNode, operation_name: str | None) -> str:
    """`query:me,wallet`: the operation type and its sorted root fields.

    Only call it for a validated document: its root fields are then the schema's, so
    the label cannot carry text a client invented. No matching operation is "invalid".
    """
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return INVALID_LABEL
    fields = sorted(root_fields(operation, fragments_of(document)))
    shown = ",".join(fields) if len(fields) <= MAX_LABEL_FIELDS else "(many)"
    return f"{operation.operation.value}:{shown}"


class OperationMetrics(SchemaExtension):
    """Counts and times each operation by what it selects and by outcome (ok / error).

    The client's operation name is free text (a client could fill /metrics with invented
    names), so the label comes from the validated document instead; a document that
    fails to parse or validate is labelled "invalid".
    """

    def __init__(self, metrics: Metrics, documents: DocumentCache) -> None:
        self._metrics = metrics
        self._documents = documents

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        except Exception:
            # Some failures are raised through this hook rather than returned: a syntax
            # error (CheckedDocuments parses inside its own hook), an operation type the
            # transport does not allow.
            self._observe("error", started)
            raise
        context = self.execution_context
        result = context.result
        failed = bool(context.pre_execution_errors) or (
            result is not None and bool(getattr(result, "errors", None))
        )
        self._observe("error" if failed else "ok", started)

    def _label(self) -> str:
        """The validated document's label; "invalid" if it did not parse or validate
        (both answered from the document cache, which has just seen this text)."""
        context = self.execution_context
        document, query = context.graphql_document, context.query
        if document is None or query is None:
            return INVALID_LABEL
        if self._documents.errors(context.schema._schema, query, context.validation_rules):
            return INVALID_LABEL
        return operation_label(document, context.operation_name)

    def _observe(self, outcome: str, started: float) -> None:
        self._metrics.observe(self._label(), outcome, time.perf_counter() - started)
