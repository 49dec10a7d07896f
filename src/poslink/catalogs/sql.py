"""A catalog in any database SQLAlchemy reaches by URL (PostgreSQL: ``postgresql+psycopg://``).

The table is read in one read-only transaction: poslink never writes to a catalog, and a
statement that would (a view calling a writing function, say) fails instead of changing it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from poslink.catalogs.base import IDENTIFIER, Catalog, product_from_row
from poslink.config import Timeouts
from poslink.exceptions import CatalogBusy, CatalogError
from poslink.records import CatalogProduct

if TYPE_CHECKING:  # SQLAlchemy is imported when a database is used, not when plugins are listed
    import sqlalchemy as sa

BATCH_ROWS = 10_000


def describe_url(location: str) -> str:
    """The URL as it may be shown to a user: without its password."""
    import sqlalchemy as sa
    from sqlalchemy.exc import ArgumentError

    try:
        return sa.make_url(location).render_as_string(hide_password=True)
    except ArgumentError:
        return location


def server_options(location: str, timeouts: Timeouts | None) -> dict[str, Any]:
    """The connection arguments that bound every wait on a database server.

    PostgreSQL (psycopg): ``connect_timeout`` (the client gives up on a server that accepts
    and never answers; libpq's least is 2 s), and the server-side ``statement_timeout`` and
    ``lock_timeout`` of the session. A value the URL sets itself is left as it is.
    """
    import sqlalchemy as sa
    from sqlalchemy.exc import ArgumentError

    timeouts = timeouts or Timeouts()
    try:
        url = sa.make_url(location)
    except ArgumentError:
        return {}
    if url.get_backend_name() != "postgresql":
        return {}
    args: dict[str, Any] = {}
    if "connect_timeout" not in url.query:
        args["connect_timeout"] = max(2, math.ceil(timeouts.connect))
    if "options" not in url.query:
        statement, lock = (round(s * 1000) for s in (timeouts.statement, timeouts.lock))
        args["options"] = f"-c statement_timeout={statement} -c lock_timeout={lock}"
    return args


def make_engine(
    location: str, error: type[Exception], timeouts: Timeouts | None = None, **options: Any
) -> sa.Engine:
    """A SQLAlchemy engine for ``location``; ``error`` (naming the URL) when it cannot be made.

    Every wait on the server is bounded (``server_options``).
    """
    import sqlalchemy as sa
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    where = describe_url(location)
    connect_args = {**server_options(location, timeouts), **options.pop("connect_args", {})}
    try:
        return sa.create_engine(location, connect_args=connect_args, **options)
    except NoSuchModuleError as exc:
        raise error(f"{where}: no SQLAlchemy dialect for this URL: {exc}") from exc
    except ImportError as exc:
        raise error(
            f"{where}: database driver {exc.name or ''} is not installed;"
            " try: pip install 'poslink[postgres]'"
        ) from exc
    except ArgumentError as exc:
        raise error(f"{where}: not a database URL: {exc}") from exc


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
        from sqlalchemy.exc import SQLAlchemyError

        where = describe_url(self.location)
        schema, _, table = self.table.rpartition(".")
        for part in (table, *([schema] if schema else [])):
            if not IDENTIFIER.match(part):
                raise CatalogError(f"{where}: invalid table name {self.table!r}")
        engine = make_engine(self.location, CatalogError, self.timeouts)
        try:
            with engine.connect() as con:
                yield from self._read(_read_only(con), where, table, schema or None)
        except SQLAlchemyError as exc:
            if is_transient(exc):
                raise CatalogBusy(
                    f"{where}: cannot read catalog now: {first_line(exc)} (try again later)"
                ) from exc
            raise CatalogError(f"{where}: cannot read catalog: {first_line(exc)}") from exc
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


def first_line(exc: BaseException) -> str:
    """The first line of a database error's message (the driver's own, when there is one)."""
    text = str(getattr(exc, "orig", None) or exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__


# SQLSTATE classes and codes of failures that may pass: connection exceptions (08), not
# enough resources (53), the server shutting down or starting (57P), a serialization failure
# or deadlock (40001, 40P01), a lock or statement timeout (55P03, 57014).
_TRANSIENT_STATES = ("08", "53", "57P", "40001", "40P01", "55P03", "57014")
# Connection failures without a SQLSTATE that will not pass by waiting.
_LASTING = ("authentication", "does not exist", "no password", "role ", "SSL", "certificate")


def is_transient(exc: BaseException) -> bool:
    """Whether a database error may pass if the same work is tried again later.

    A server that refuses, drops or never answers the connection, a timeout, a lock held by
    another session, a deadlock: yes. A wrong password, a missing table, bad SQL: no.
    """
    orig = getattr(exc, "orig", None) or exc
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if state:
        return str(state).startswith(_TRANSIENT_STATES)
    text = str(orig)
    if type(orig).__module__.startswith("sqlite3"):
        return "locked" in text or "busy" in text
    if type(orig).__name__ in ("OperationalError", "ConnectionTimeout"):
        return not any(word in text for word in _LASTING)
    return False
