"""The embedded catalog: a SQLite file, opened read-only."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from poslink.catalogs.base import IDENTIFIER, Catalog, product_from_row
from poslink.exceptions import CatalogError
from poslink.records import CatalogProduct


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
        if not path.is_file():
            raise CatalogError(f"{path}: no such catalog file")
        if not IDENTIFIER.match(self.table):
            raise CatalogError(f"{path}: invalid table name {self.table!r}")
        try:
            # mode=ro: a typo in the path must never create an empty catalog
            con = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
        except sqlite3.Error as exc:
            raise CatalogError(f"{path}: cannot open catalog: {exc}") from exc
        try:
            try:
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
            con.close()
