"""SQLAlchemy Core statements run straight on the asyncpg driver.

The hot path skips SQLAlchemy's execution machinery, not its statements: each is
defined once, in Core, next to the data it touches, and compiled here once for asyncpg
(`$n` placeholders in a fixed order), so the session path and the driver path send the
same SQL for these statements.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, cast

import asyncpg
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Executable
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement


@dataclass(frozen=True, slots=True)
class DriverStatement:
    sql: str
    names: tuple[str, ...]
    # Binds SQLAlchemy made from literals in the statement (e.g. `nonce + 1`).
    literals: dict[str, Any]

    def args(self, values: dict[str, Any]) -> list[Any]:
        """The positional arguments, from the same named values the session path takes;
        a missing one is a KeyError, never a silent NULL."""
        literals = self.literals
        return [literals[name] if name in literals else values[name] for name in self.names]


def for_asyncpg(statement: Executable) -> DriverStatement:
    assert isinstance(statement, ClauseElement)
    compiled = statement.compile(dialect=asyncpg_dialect())  # type: ignore[no-untyped-call]
    assert isinstance(compiled, SQLCompiler)
    names = tuple(compiled.positiontup or ())
    literals = {
        name: compiled.binds[name].value for name in names if not compiled.binds[name].required
    }
    return DriverStatement(str(compiled), names, literals)


class Statements(Protocol):
    """Where a transaction's Core statements run: the session (any backend) or the
    asyncpg driver (PostgreSQL's hot path). Code that only runs statements through this
    runs on either, sending the same SQL."""

    @property
    def dialect(self) -> str:
        """The backend's dialect name ("postgresql", "sqlite"), for dialect-specific
        statements (an upsert)."""
        ...

    async def rows(
        self, statement: Executable, values: Mapping[str, Any]
    ) -> Sequence[Mapping[str, Any]]:
        """The statement's rows (a DML statement's: what it RETURNING-s), by column name."""
        ...

    async def value(self, statement: Executable, values: Mapping[str, Any]) -> Any:
        """The first column of the first row; None without rows."""
        ...

    async def execute(
        self, statement: Executable, values: Mapping[str, Any] | Sequence[Mapping[str, Any]]
    ) -> None:
        """Run a statement that returns nothing, once or (a sequence of values) per row."""
        ...


class SessionStatements:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @property
    def dialect(self) -> str:
        return self._session.get_bind().dialect.name

    async def rows(
        self, statement: Executable, values: Mapping[str, Any]
    ) -> Sequence[Mapping[str, Any]]:
        found = (await self._session.execute(statement, dict(values))).mappings().all()
        return cast(Sequence[Mapping[str, Any]], found)

    async def value(self, statement: Executable, values: Mapping[str, Any]) -> Any:
        return await self._session.scalar(statement, dict(values))

    async def execute(
        self, statement: Executable, values: Mapping[str, Any] | Sequence[Mapping[str, Any]]
    ) -> None:
        if isinstance(values, Mapping):
            await self._session.execute(statement, dict(values))
        else:
            await self._session.execute(statement, [dict(v) for v in values])


# Each statement compiled once per process, by identity: statements are module-level
# constants, and SQL expressions compare by building expressions, not by equality.
_compiled: dict[int, tuple[Executable, DriverStatement]] = {}


def compiled(statement: Executable) -> DriverStatement:
    known = _compiled.get(id(statement))
    if known is None or known[0] is not statement:
        known = _compiled[id(statement)] = (statement, for_asyncpg(statement))
    return known[1]


class DriverStatements:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    @property
    def dialect(self) -> str:
        return "postgresql"

    async def rows(
        self, statement: Executable, values: Mapping[str, Any]
    ) -> Sequence[Mapping[str, Any]]:
        driver = compiled(statement)
        found: list[asyncpg.Record] = await self._connection.fetch(
            driver.sql, *driver.args(dict(values))
        )
        return found

    async def value(self, statement: Executable, values: Mapping[str, Any]) -> Any:
        driver = compiled(statement)
        return await self._connection.fetchval(driver.sql, *driver.args(dict(values)))

    async def execute(
        self, statement: Executable, values: Mapping[str, Any] | Sequence[Mapping[str, Any]]
    ) -> None:
        driver = compiled(statement)
        if isinstance(values, Mapping):
            await self._connection.execute(driver.sql, *driver.args(dict(values)))
        else:
            await self._connection.executemany(driver.sql, [driver.args(dict(v)) for v in values])


def statements(on: AsyncSession | Statements) -> Statements:
    """Where to run a transaction's statements: a session's, or a runner as it is."""
    return SessionStatements(on) if isinstance(on, AsyncSession) else on
