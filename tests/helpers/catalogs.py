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
