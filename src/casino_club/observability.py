"""Structured JSON logs with a request id on every line, and Prometheus metrics."""

from __future__ import annotations

import logging
import sys
import traceback
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

import orjson
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

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
        if record.exc_info and record.exc_info[1] is not None:
            entry["exc"] = format_exception_safely(record.exc_info[1])
        return orjson.dumps(entry, default=str).decode()


# Drivers and SQLAlchemy put statement parameters and the database's DETAIL line (e.g.
# "Key (token_hash)=(…) already exists") into their messages: seeds, token hashes and
# password hashes would reach the log. Their messages are withheld (SPEC §13).
_DATABASE_MODULES = ("sqlalchemy", "asyncpg", "sqlite3", "aiosqlite")


def _is_database_error(exc: BaseException) -> bool:
    return type(exc).__module__.split(".")[0] in _DATABASE_MODULES


def _safe_message(exc: BaseException) -> str:
    if not _is_database_error(exc):
        return str(exc)
    sqlstate = getattr(exc, "sqlstate", None) or getattr(
        getattr(exc, "orig", None), "sqlstate", None
    )
    return f"[database message withheld{f'; SQLSTATE {sqlstate}' if sqlstate else ''}]"


def format_exception_safely(exc: BaseException) -> str:
    """A traceback like Python's, causes first, with database errors' messages withheld."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    parts: list[str] = []
    for link in reversed(chain):
        if parts:
            parts.append("\nThe above exception led to:\n\n")
        parts.append("Traceback (most recent call last):\n")
        parts.extend(traceback.format_tb(link.__traceback__))
        name = f"{type(link).__module__}.{type(link).__qualname__}"
        parts.append(f"{name}: {_safe_message(link)}\n")
    return "".join(parts).rstrip("\n")


def withhold_query_string(record: logging.LogRecord) -> bool:
    """uvicorn's access line without the query string: a GET /graphql carries its whole
    document there, a `login`'s inline password included (SPEC §13)."""
    args = record.args
    if isinstance(args, tuple) and len(args) > 2 and isinstance(args[2], str):
        path, query, _ = args[2].partition("?")
        if query:
            record.args = (*args[:2], f"{path}?[withheld]", *args[3:])
    return True


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
    logging.getLogger("uvicorn.access").addFilter(withhold_query_string)


class Metrics:
    """Request count and latency per GraphQL operation label and outcome.

    Labels are derived from the schema, never taken from the client (see
    `OperationMetrics`), but combinations of root fields are still many: any label
    beyond the first `max_operations` distinct ones counts as "other", so a client
    cannot grow the label set without bound.
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
        self.late_payments = Counter(
            "payments_late",
            "Authorizations or captures that completed after their purchase had left "
            "PENDING, given back at once (SPEC 7.7)",
            ["outcome"],
            registry=self.registry,
        )
        self.inflation_percent = Gauge(
            "economy_inflation_percent",
            "Gold issued minus sunk over the last 7 game days, as a % of the gold in "
            "circulation (as of the last economy rollup)",
            registry=self.registry,
        )
        self.inflation_alarm = Gauge(
            "economy_inflation_alarm",
            "1 while economy_inflation_percent is above ECONOMY_INFLATION_ALARM_PERCENT",
            registry=self.registry,
        )
        self._known: set[str] = set()
        self._max_operations = max_operations

    def _bounded(self, label: str) -> str:
        if label in self._known:
            return label
        if len(self._known) < self._max_operations:
            self._known.add(label)
            return label
        return "other"

    def observe(self, operation: str, outcome: str, seconds: float) -> None:
        label = self._bounded(operation)
        self.requests.labels(label, outcome).inc()
        self.latency.labels(label, outcome).observe(seconds)
