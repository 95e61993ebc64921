"""Structured JSON logs with a request id on every line, and Prometheus metrics."""

from __future__ import annotations

import logging
import re
import sys
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

import orjson
from prometheus_client import CollectorRegistry, Counter, Histogram

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

_STANDARD_ATTRS = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def new_request_id() -> str:
    return uuid.uuid4().hex


class JsonFormatter(logging.Formatter):
    """One JSON object per line; `extra=` fields are kept, the request id always added."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id_var.get(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True


_OPERATION_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")


class Metrics:
    """Request count and latency per GraphQL operation and outcome.

    Operation names come from clients, so the label set is bounded: names that are not
    plain identifiers, and any name beyond the first `max_operations`, count as "other".
    """

    def __init__(self, max_operations: int = 200) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "graphql_requests",
            "GraphQL operations executed",
            ["operation", "outcome"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "graphql_request_duration_seconds",
            "GraphQL operation latency",
            ["operation", "outcome"],
            registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self._known: set[str] = set()
        self._max_operations = max_operations

    def operation_label(self, name: str | None) -> str:
        if not name:
            return "anonymous"
        if name in self._known:
            return name
        if _OPERATION_NAME.fullmatch(name) and len(self._known) < self._max_operations:
            self._known.add(name)
            return name
        return "other"

    def observe(self, operation: str | None, outcome: str, seconds: float) -> None:
        label = self.operation_label(operation)
        self.requests.labels(label, outcome).inc()
        self.latency.labels(label, outcome).observe(seconds)
