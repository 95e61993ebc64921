"""The assembled schema: root operations, extensions and limits, built once per app."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from casino_club.config import Settings
from casino_club.observability import Metrics
from casino_club.schema.documents import CheckedDocuments, DocumentCache
from casino_club.schema.executor import ReleasingExecutor
from casino_club.schema.extensions import MaskUnexpectedErrors, OperationMetrics, is_unexpected
from casino_club.schema.introspection import CachedIntrospection, IntrospectionAnswers
from casino_club.schema.mutation import Mutation
from casino_club.schema.query import Query
from casino_club.schema.query_budget import QueryBudget
from casino_club.schema.scalars import SCALARS
from casino_club.schema.subscription import Subscription
from casino_club.schema.subscription_limits import SubscriptionLimits

log = logging.getLogger("casino_club.graphql")

ExtensionFactory = Callable[[], SchemaExtension]


def schema_extensions(
    metrics: Metrics, documents: DocumentCache, introspection: IntrospectionAnswers | None = None
) -> list[ExtensionFactory]:
    """Factories, never instances: an instance would be shared by concurrent requests.

    The budget comes before the introspection answers: a caller over budget is refused
    even what is cached.
    """
    answers = introspection or IntrospectionAnswers(
        Settings.model_fields["graphql_introspection_cache_size"].default
    )
    return [
        lambda: OperationMetrics(metrics, documents),
        lambda: CheckedDocuments(documents),
        QueryBudget,
        SubscriptionLimits,
        lambda: CachedIntrospection(answers),
        MaskUnexpectedErrors,
    ]


class CasinoSchema(strawberry.Schema):
    def __init__(self, *, documents: DocumentCache, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.documents = documents

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


def build_schema(settings: Settings | None = None, metrics: Metrics | None = None) -> CasinoSchema:
    settings = settings or Settings()
    documents = DocumentCache(settings)
    answers = IntrospectionAnswers(settings.graphql_introspection_cache_size)
    return CasinoSchema(
        documents=documents,
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=schema_extensions(metrics or Metrics(), documents, answers),
        config=StrawberryConfig(scalar_map=SCALARS),
        execution_context_class=ReleasingExecutor,
    )


schema = build_schema()
