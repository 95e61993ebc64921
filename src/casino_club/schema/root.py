"""The assembled schema: root operations, extensions and limits, built once per app."""

from __future__ import annotations

import logging
from collections.abc import Callable

import strawberry
from graphql import ASTValidationRule, GraphQLError, NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from casino_club.config import Settings
from casino_club.observability import Metrics
from casino_club.schema.extensions import MaskUnexpectedErrors, OperationMetrics, is_unexpected
from casino_club.schema.mutation import Mutation
from casino_club.schema.query import Query
from casino_club.schema.query_limits import alias_limit_rule, depth_limit_rule
from casino_club.schema.request_checks import StorableLiteralsRule
from casino_club.schema.scalars import GOLD_SCALAR, Gold
from casino_club.schema.subscription import Subscription

log = logging.getLogger("casino_club.graphql")

ExtensionFactory = Callable[[], SchemaExtension]


def limit_rules(settings: Settings) -> list[type[ASTValidationRule]]:
    """The query-limit validation rules, built once.

    Each call creates new rule classes, and the validation cache is keyed by the rule
    classes: rules built per request would make every request a cache miss (validation
    then costs more than the spin). They are ours, not Strawberry's QueryDepthLimiter
    and MaxAliasesLimiter, whose cost doubles with every level of nested fragment
    spreads (SPEC §15); see `query_limits`.
    """
    rules: list[type[ASTValidationRule]] = [
        depth_limit_rule(settings.graphql_max_depth),
        alias_limit_rule(settings.graphql_max_aliases),
        StorableLiteralsRule,
    ]
    if not settings.graphql_introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    return rules


def schema_extensions(settings: Settings, metrics: Metrics) -> list[ExtensionFactory]:
    """Factories, never instances: an instance would be shared by concurrent requests."""
    cache = settings.graphql_cache_size
    rules = limit_rules(settings)
    return [
        lambda: OperationMetrics(metrics),
        lambda: ParserCache(maxsize=cache),
        lambda: MaxTokensLimiter(max_token_count=settings.graphql_max_tokens),
        lambda: AddValidationRules(rules),
        lambda: ValidationCache(maxsize=cache),
        MaskUnexpectedErrors,
    ]


class CasinoSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Client errors are the client's business; unexpected ones are logged when masked.

        No message is logged here: an unexpected error's may quote a driver's message with
        a statement's values (MaskUnexpectedErrors logs it, database text withheld), and
        graphql-core's input-coercion messages quote the whole input, passwords included.
        """
        for error in errors:
            if not is_unexpected(error):
                code = (error.extensions or {}).get("code", "GRAPHQL_ERROR")
                log.debug("graphql error %s", code, extra={"path": error.path})


def build_schema(
    settings: Settings | None = None, metrics: Metrics | None = None
) -> strawberry.Schema:
    settings = settings or Settings()
    return CasinoSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=schema_extensions(settings, metrics or Metrics()),
        config=StrawberryConfig(scalar_map={Gold: GOLD_SCALAR}),
    )


schema = build_schema()
