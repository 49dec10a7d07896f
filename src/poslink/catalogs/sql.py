"""A catalog in any database SQLAlchemy reaches by URL (PostgreSQL: ``postgresql+psycopg://``).

The table is read in one read-only transaction: poslink never writes to a catalog, and a
statement that would (a view calling a writing function, say) fails instead of changing it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from poslink.catalogs.base import IDENTIFIER, Catalog, product_from_row
from poslink.db.connect import describe_url, make_engine
from poslink.db.errors import database_errors
from poslink.exceptions import CatalogBusy, CatalogError, map_errors
from poslink.records import CatalogProduct

if TYPE_CHECKING:  # SQLAlchemy is imported when a database is used, not when plugins are listed
    import sqlalchemy as sa

BATCH_ROWS = 10_000


class SqlCatalog(Catalog):
    """A products table in a database named by a SQLAlchemy URL; opened read-only."""

    name = "sql"

    @classmethod
    def handles(cls, location: str) -> bool:
        """Any ``dialect[+driver]://`` URL but SQLite's (the ``sqlite`` plugin reads those)."""
        scheme, sep, _ = location.partition("://")
        return bool(sep) and bool(scheme) and not scheme.startswith("sqlite")

    def products(self) -> Iterator[CatalogProduct]:
        """Every row of the table, in id order, from one read-only transaction."""
        where = describe_url(self.location)
        schema, _, table = self.table.rpartition(".")
        for part in (table, *([schema] if schema else [])):
            if not IDENTIFIER.match(part):
                raise CatalogError(f"{where}: invalid table name {self.table!r}")
        engine = make_engine(self.location, CatalogError, self.timeouts)
        try:
            with (
                map_errors(
                    database_errors(f"{where}: cannot read catalog", CatalogError, CatalogBusy)
                ),
                engine.connect() as con,
            ):
                yield from self._read(_read_only(con), where, table, schema or None)
        finally:
            engine.dispose()

    def _read(
        self, con: sa.Connection, where: str, table: str, schema: str | None
    ) -> Iterator[CatalogProduct]:
        import sqlalchemy as sa

        inspector = sa.inspect(con)
        if not inspector.has_table(table, schema=schema):
            raise CatalogError(f"{where}: no table {self.table!r}")
        have = {c["name"] for c in inspector.get_columns(table, schema=schema)}
        missing = [c for c in self.columns.values() if c not in have]
        if missing:
            raise CatalogError(
                f"{where}: table {self.table!r} lacks column(s): {', '.join(missing)}"
            )
        # sa.table/sa.column quote the (validated) names; the query has no literal values.
        cols: list[sa.ColumnClause[object]] = [sa.column(c) for c in self.columns.values()]
        query = sa.select(*cols).select_from(sa.table(table, *cols, schema=schema))
        query = query.order_by(cols[0])
        result = con.execution_options(stream_results=True).execute(query)
        while batch := result.fetchmany(BATCH_ROWS):
            for row in batch:
                product = product_from_row(tuple(row))
                if product is not None:
                    yield product


def _read_only(con: sa.Connection) -> sa.Connection:
    if con.dialect.name == "postgresql":
        return con.execution_options(postgresql_readonly=True)
    # Standard SQL, understood by the other servers SQLAlchemy speaks to.
    con.exec_driver_sql("SET TRANSACTION READ ONLY")
    return con
