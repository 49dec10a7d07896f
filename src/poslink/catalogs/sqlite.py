"""The embedded catalog: a SQLite file, opened read-only, never created and never changed.

Read-only goes as far as the files beside it: a catalog in WAL mode that nothing has open
(no ``-wal`` or ``-shm`` file beside it) is read as an immutable file, so that reading it
neither needs those files (a read-only volume) nor leaves them behind; the file is checked
to be unchanged once read. A catalog a writer holds locked is waited for, up to the lock
timeout, then reported as locked: a retryable error.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from poslink.catalogs.base import IDENTIFIER, Catalog, product_from_row
from poslink.db.locks import ATTEMPT, wait_for_lock
from poslink.exceptions import CatalogBusy, CatalogError
from poslink.records import CatalogProduct

# A SQLite database file starts with this; byte 18 is 2 in WAL mode.
_MAGIC = b"SQLite format 3\x00"


def _is_wal(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            header = handle.read(20)
    except OSError:
        return False
    return header.startswith(_MAGIC) and len(header) == 20 and header[18] == 2


def _stamp(path: Path) -> tuple[int, int, int]:
    st = path.stat()
    return st.st_ino, st.st_size, st.st_mtime_ns


class SqliteCatalog(Catalog):
    """A SQLite file holding a ``products`` table; never created, never written."""

    name = "sqlite"

    @classmethod
    def handles(cls, location: str) -> bool:
        """A plain path or a ``sqlite:///`` URL."""
        return "://" not in location or location.startswith("sqlite:///")

    def products(self) -> Iterator[CatalogProduct]:
        """Every row of the products table."""
        path = Path(self.location.removeprefix("sqlite:///"))
        if path.is_dir():
            raise CatalogError(f"{path}: a folder, not a catalog file")
        if not path.is_file():
            raise CatalogError(f"{path}: no such catalog file")
        if not IDENTIFIER.match(self.table):
            raise CatalogError(f"{path}: invalid table name {self.table!r}")
        # A WAL catalog nobody has open: read the file alone (see the module docstring).
        immutable = _is_wal(path) and not any(
            Path(f"{path}{suffix}").exists() for suffix in ("-wal", "-shm")
        )
        before = _stamp(path) if immutable else None
        uri = f"file:{quote(str(path.resolve()))}?mode=ro" + ("&immutable=1" if immutable else "")
        try:
            # mode=ro: a typo in the path must never create an empty catalog
            con = sqlite3.connect(uri, uri=True, timeout=ATTEMPT, isolation_level=None)
        except sqlite3.Error as exc:
            raise CatalogError(f"{path}: cannot open catalog: {exc}") from exc
        try:
            yield from self._read(con, path)
        finally:
            con.close()
        if before is not None and _stamp(path) != before:
            raise CatalogBusy(f"{path}: the catalog changed while it was read; try again")

    def _begin(self, con: sqlite3.Connection, path: Path) -> None:
        """Open a read transaction (one consistent view), waiting out a writer's lock."""

        def attempt() -> None:
            if con.in_transaction:
                con.execute("ROLLBACK")
            con.execute("BEGIN")
            # The first read takes the shared lock, held until the transaction ends.
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()

        wait_for_lock(
            attempt,
            self.timeouts.lock,
            lambda: CatalogBusy(
                f"{path}: the catalog is locked by another program (waited"
                f" {self.timeouts.lock:g} s); try again later"
            ),
        )

    def _read(self, con: sqlite3.Connection, path: Path) -> Iterator[CatalogProduct]:
        try:
            self._begin(con, path)
            have = {r[1] for r in con.execute(f'PRAGMA table_info("{self.table}")')}
        except sqlite3.DatabaseError as exc:
            raise CatalogError(f"{path}: not a SQLite catalog: {exc}") from exc
        if not have:
            raise CatalogError(f"{path}: no table {self.table!r}")
        missing = [c for c in self.columns.values() if c not in have]
        if missing:
            raise CatalogError(
                f"{path}: table {self.table!r} lacks column(s): {', '.join(missing)}"
            )
        cols = ", ".join(f'"{c}"' for c in self.columns.values())
        try:
            cursor = con.execute(f'SELECT {cols} FROM "{self.table}" ORDER BY rowid')
            while batch := cursor.fetchmany(10_000):
                for row in batch:
                    product = product_from_row(row)
                    if product is not None:
                        yield product
        except sqlite3.DatabaseError as exc:
            raise CatalogError(f"{path}: cannot read table {self.table!r}: {exc}") from exc
        finally:
            if con.in_transaction:
                con.execute("ROLLBACK")
