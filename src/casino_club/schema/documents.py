"""Each distinct operation text is parsed and validated once, under our limits.

One extension and its two caches in place of Strawberry's ParserCache, MaxTokensLimiter,
AddValidationRules and ValidationCache: Strawberry wraps every hook of every extension
in a context manager built afresh per request, and those four hooks did nothing but set
an option or look up a cache (replacing them took a spin from 1.71 to 1.43 ms of server
CPU in one measurement).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache, partial

from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    NoSchemaIntrospectionCustomRule,
    parse,
)
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from casino_club.config import Settings
from casino_club.domain.errors import ErrorCode
from casino_club.schema.query_cost import as_int, cost_error, operation_cost
from casino_club.schema.query_limits import alias_limit_rule, depth_limit_rule
from casino_club.schema.request_checks import StorableLiteralsRule

# graphql-core's own descriptions of the documents its parser gives up on: too many
# tokens (GRAPHQL_MAX_TOKENS), or nesting past Python's recursion limit. Either is a
# limit, not a typo: a client can only send less (tests over HTTP pin the wording).
_LIMIT_DESCRIPTIONS = ("Document contains more than ", "Document is nested too deeply.")


def parse_error_code(error: GraphQLSyntaxError) -> ErrorCode:
    """QUERY_TOO_COMPLEX for a document over a parser limit, else GRAPHQL_PARSE_FAILED."""
    if error.description.startswith(_LIMIT_DESCRIPTIONS):
        return ErrorCode.QUERY_TOO_COMPLEX
    return ErrorCode.GRAPHQL_PARSE_FAILED


def coded(errors: list[GraphQLError]) -> list[GraphQLError]:
    """Every validation error with a code (SPEC §12.1): the limit rules' own
    (QUERY_TOO_COMPLEX), the storable-literals rule's (BAD_USER_INPUT), else
    GRAPHQL_VALIDATION_FAILED (graphql-core's rules give none)."""
    for error in errors:
        if "code" not in (error.extensions or {}):
            error.extensions = {
                **(error.extensions or {}),
                "code": ErrorCode.GRAPHQL_VALIDATION_FAILED.value,
            }
    return errors


def limit_rules(settings: Settings) -> list[type[ASTValidationRule]]:
    """The query-limit validation rules (each call creates new rule classes: build them
    once per schema, as `DocumentCache` does).

    They are ours, not Strawberry's QueryDepthLimiter and MaxAliasesLimiter, whose cost
    doubles with every level of nested fragment spreads (SPEC §15); see `query_limits`.
    """
    rules: list[type[ASTValidationRule]] = [
        depth_limit_rule(settings.graphql_max_depth),
        alias_limit_rule(settings.graphql_max_aliases),
        StorableLiteralsRule,
    ]
    if not settings.graphql_introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    return rules


class DocumentCache:
    """Parsed documents and their validation errors, both by operation text and bounded.

    Keyed by text, not by document: graphql-core's nodes are frozen dataclasses, so a
    document as a key is hashed and compared node by node on every lookup.
    """

    def __init__(self, settings: Settings) -> None:
        size = settings.graphql_cache_size
        self.rules: tuple[type[ASTValidationRule], ...] = tuple(limit_rules(settings))
        max_tokens = settings.graphql_max_tokens
        # A document over the token limit is refused while being read, never cached.
        self.parse: Callable[[str], DocumentNode] = lru_cache(maxsize=size)(
            partial(parse, max_tokens=max_tokens)
        )
        self.errors = lru_cache(maxsize=size)(self._errors)
        self.max_cost = settings.query_max_cost
        self._cost_error = lru_cache(maxsize=size)(self._too_costly)

    def _errors(
        self, schema: GraphQLSchema, query: str, rules: tuple[type[ASTValidationRule], ...]
    ) -> list[GraphQLError]:
        """The document's validation errors under Strawberry's rules and ours."""
        rules = rules + self.rules
        return coded(validate_document(schema, self.parse(query), rules))

    def cost_errors(
        self,
        schema: GraphQLSchema,
        query: str,
        operation_name: str | None,
        variables: Mapping[str, object] | None,
    ) -> list[GraphQLError]:
        """QUERY_TOO_COMPLEX if the operation to run costs more than QUERY_MAX_COST.

        Cached by text, operation and the integer variables (only an `Int` can be a
        `first`; a whole float such as `100.0` is one), so a screen's repeated queries
        are measured once.
        """
        integers = tuple(
            sorted(
                (name, number)
                for name, value in (variables or {}).items()
                if (number := as_int(value)) is not None
            )
        )
        error = self._cost_error(schema, query, operation_name, integers)
        return [] if error is None else [error]

    def _too_costly(
        self,
        schema: GraphQLSchema,
        query: str,
        operation_name: str | None,
        integers: tuple[tuple[str, int], ...],
    ) -> GraphQLError | None:
        cost = operation_cost(schema, self.parse(query), operation_name, dict(integers))
        if cost is None or cost <= self.max_cost:
            return None
        return cost_error(cost, self.max_cost)


class CheckedDocuments(SchemaExtension):
    def __init__(self, documents: DocumentCache) -> None:
        self._documents = documents

    def on_parse(self) -> Iterator[None]:
        # Strawberry parses only when no extension did; a syntax error raised here is
        # answered as a GraphQL error, as Strawberry's own parse's would be (over
        # WebSocket, by our protocol handlers: live/ws_handlers.py), coded for clients (§12.1).
        context = self.execution_context
        assert context.query is not None, "Strawberry refuses a request without a query"
        try:
            context.graphql_document = self._documents.parse(context.query)
        except GraphQLSyntaxError as error:
            error.extensions = {"code": parse_error_code(error).value}
            raise
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        assert context.query is not None, "validation follows a successful parse"
        schema = context.schema._schema
        errors = self._documents.errors(schema, context.query, context.validation_rules)
        # Measured only when valid: the cost walk relies on the fields existing.
        context.pre_execution_errors = errors or self._documents.cost_errors(
            schema, context.query, context.operation_name, context.variables
        )
        yield
