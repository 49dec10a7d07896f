"""Small catalogs written by the tests: a SQLite file or the products themselves."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

from poslink.records import CatalogProduct


def make_catalog(path: Path, rows: Sequence[tuple[object, ...]]) -> Path:
    """A SQLite catalog of (id, amount, brand, lineage, name, type, subtype) rows."""
    con = sqlite3.connect(path)
    con.execute(
        "CREATE TABLE products (id int primary key, amount text, brand text, lineage text,"
        " name text not null, product_type text, product_subtype text, url text)"
    )
    con.executemany("INSERT INTO products VALUES (?, ?, ?, ?, ?, ?, ?, '')", rows)
    con.commit()
    con.close()
    return path


# How `renamed_catalog` names the catalog, in the options every catalog-reading command takes.
RENAMED = ["--catalog-table", "catalog_items", "--catalog-column", "id=product_id",
           "--catalog-column", "name=title"]  # fmt: skip


def renamed_catalog(path: Path, plain: Path) -> Path:
    """The SQLite catalog ``plain`` copied to ``path`` under other names: table
    ``catalog_items``, ``id`` as ``product_id`` and ``name`` as ``title`` (``RENAMED``)."""
    con = sqlite3.connect(path)
    con.execute("ATTACH DATABASE ? AS plain", (str(plain),))
    con.execute(
        "CREATE TABLE catalog_items AS SELECT id AS product_id, amount, brand, lineage,"
        " name AS title, product_type, product_subtype FROM plain.products"
    )
    con.commit()
    con.close()
    return path


def products(rows: Sequence[tuple[object, ...]]) -> list[CatalogProduct]:
    """CatalogProducts from (id, amount, brand, lineage, name, type, subtype) tuples."""
    return [
        CatalogProduct(
            id=str(r[0]),
            amount=str(r[1]),
            brand=str(r[2]),
            lineage=str(r[3]),
            name=str(r[4]),
            product_type=str(r[5]),
            product_subtype=str(r[6]),
        )
        for r in rows
    ]
