"""Catalog search for the console's type-ahead: brand and name, by trigrams.

- a PostgreSQL catalog with the ``pg_trgm`` extension is searched where it lives: the
  products whose ``brand || ' ' || name`` has a word similarity to the query, best first, in a
  read-only transaction (the query is a bound parameter; the table and column names are
  checked identifiers);
- any other catalog (a SQLite file, a PostgreSQL one without ``pg_trgm``) is searched in an
  in-memory SQLite FTS5 table with the ``trigram`` tokenizer, built from the products when
  the console starts: the catalog file itself is opened read-only and never written.

Either way the hits are re-ranked by RapidFuzz ``WRatio`` against brand and name, so "bde
gelato" finds "Big Daddy Edibles | Gelato Gummies".
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from rapidfuzz import fuzz

from poslink.catalogs.base import IDENTIFIER, column_names
from poslink.domain.text import words
from poslink.records import CatalogProduct

LIMIT = 10
WIDE = 200  # hits fetched before re-ranking


class CatalogSearch:
    """Type-ahead over one catalog's products (see the module docstring)."""

    def __init__(
        self,
        products: Sequence[CatalogProduct],
        location: str = "",
        table: str = "products",
        columns: dict[str, str] | None = None,
    ) -> None:
        self.products = {p.id: p for p in products}
        self.kind = "fts5"
        self._pg: tuple[object, str] | None = None
        if location.startswith("postgresql"):
            self._pg = _pg_trgm(location, table, column_names(columns or {}))
            if self._pg is not None:
                self.kind = "pg_trgm"
        self._db: sqlite3.Connection | None = None
        if self._pg is None:
            # check_same_thread off: the web server answers from its worker threads, one
            # query at a time (``search`` holds no cursor across calls).
            self._db = sqlite3.connect(":memory:", check_same_thread=False)
            self._db.execute("CREATE VIRTUAL TABLE hits USING fts5(text, tokenize='trigram')")
            self._db.executemany(
                "INSERT INTO hits (rowid, text) VALUES (?, ?)",
                ((p.id, words(f"{p.brand} {p.name}")) for p in products),
            )

    def search(self, query: str, limit: int = LIMIT) -> list[CatalogProduct]:
        """The products best matching ``query`` (empty for a query without words)."""
        text = words(query)
        if not text:
            return []
        ids = self._pg_ids(text) if self._pg is not None else self._fts_ids(text)
        found = [self.products[i] for i in ids if i in self.products]
        found.sort(key=lambda p: -fuzz.WRatio(text, words(f"{p.brand} {p.name}")))
        return found[:limit]

    def _fts_ids(self, text: str) -> list[int]:
        assert self._db is not None
        long = [w for w in text.split() if len(w) >= 3]
        short = [w for w in text.split() if len(w) < 3]
        sql = "SELECT rowid FROM hits WHERE 1"
        params: list[str] = []
        if long:
            # Each word a quoted phrase (its quotes doubled): no FTS5 syntax from the user.
            sql += " AND hits MATCH ?"
            params.append(" ".join('"' + w.replace('"', '""') + '"' for w in long))
        for w in short:
            sql += " AND text LIKE ?"
            params.append(f"%{w}%")
        sql += f" ORDER BY rank LIMIT {WIDE}" if long else f" LIMIT {WIDE}"
        return [int(r[0]) for r in self._db.execute(sql, params)]

    def _pg_ids(self, text: str) -> list[int]:
        import sqlalchemy as sa

        assert self._pg is not None
        engine, sql = self._pg
        assert isinstance(engine, sa.Engine)
        with engine.connect() as con:
            con = con.execution_options(postgresql_readonly=True)
            rows = con.execute(sa.text(sql), {"q": text, "wide": WIDE})
            return [int(r[0]) for r in rows]


def _pg_trgm(location: str, table: str, columns: dict[str, str]) -> tuple[object, str] | None:
    """An engine and the search query, when the catalog's database has ``pg_trgm``."""
    import sqlalchemy as sa
    from sqlalchemy.exc import SQLAlchemyError

    schema, _, name = table.rpartition(".")
    parts = [name, *([schema] if schema else []), *(columns[c] for c in ("id", "brand", "name"))]
    if not all(IDENTIFIER.match(p) for p in parts):
        return None
    engine = sa.create_engine(location)
    try:
        with engine.connect() as con:
            found = con.execute(
                sa.text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            ).first()
    except SQLAlchemyError:
        found = None
    if found is None:
        engine.dispose()
        return None
    where = f'"{schema}"."{name}"' if schema else f'"{name}"'
    text = (
        f"lower(coalesce(\"{columns['brand']}\", '') || ' ' || coalesce(\"{columns['name']}\", ''))"
    )
    sql = (
        f'SELECT "{columns["id"]}" FROM {where} WHERE :q <% {text}'
        f" ORDER BY word_similarity(:q, {text}) DESC LIMIT :wide"
    )
    return engine, sql
