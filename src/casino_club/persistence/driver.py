"""SQLAlchemy Core statements run straight on the asyncpg driver.

The hot path skips SQLAlchemy's execution machinery, not its statements: each is
defined once, in Core, next to the data it touches, and compiled here once for asyncpg
(`$n` placeholders in a fixed order), so the session path and the driver path send the
same SQL for these statements.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
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
