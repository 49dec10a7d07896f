"""Many rows written with one statement, in chunks: bounded memory, few round trips."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

# Rows per statement (bounded memory, few round trips).
CHUNK = 5_000


class ManyRows:
    """Runs one statement for many rows through the driver's ``executemany``, in chunks.

    The statement is compiled once; SQLAlchemy's per-row parameter handling would otherwise
    cost more than the database's work on a run of 100,000 decisions.
    """

    def __init__(self, con: sa.Connection, stmt: Any) -> None:
        self.con = con
        self.compiled = stmt.compile(dialect=con.dialect)
        self.sql = str(self.compiled)
        self.order = self.compiled.positiontup if self.compiled.positional else None
        self.chunk: list[Any] = []

    def add(self, row: Mapping[str, Any]) -> None:
        """Queue one row (a mapping of column names to values)."""
        self.chunk.append(tuple(row[k] for k in self.order) if self.order else dict(row))
        if len(self.chunk) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        """Send the queued rows."""
        if self.chunk:
            self.con.exec_driver_sql(self.sql, self.chunk)
            self.chunk = []
