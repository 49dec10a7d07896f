"""Catalog search for the console's type-ahead: brand and name, by trigrams.

- a PostgreSQL catalog with the ``pg_trgm`` extension is searched where it lives: the
  products whose ``brand || ' ' || name`` has a word similarity to the query, best first, in a
  read-only transaction (the query is a bound parameter; the table and column names are
  checked identifiers);
- any other catalog (a SQLite file, a PostgreSQL one without ``pg_trgm``) is searched in an
  in-memory SQLite FTS5 table with the ``trigram`` tokenizer, built from the products when
  the console starts: the catalog file itself is opened read-only and never written.

In FTS5 every word of the query must appear (as a substring); when that finds nothing (a
misspelt word), products sharing any trigram with the query are taken. Either way the hits are
re-ranked by RapidFuzz ``WRatio`` against brand and name.
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
        # FTS5 rows are numbered: row n is the n-th product (catalog ids may be any text).
        self._rows = [p.id for p in products]
        self.kind = "fts5"
        self._pg: tuple[object, tuple[str, str, str]] | None = None
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
                ((n, words(f"{p.brand} {p.name}")) for n, p in enumerate(products, 1)),
            )

    def search(self, query: str, limit: int = LIMIT) -> list[CatalogProduct]:
        """The products best matching ``query`` (empty for a query without words)."""
        text = words(query)
        if not text:
            return []
        if self._pg is not None:
            ids = self._pg_ids(text)
        else:
            ids = self._fts_ids(text)
            if not ids:  # a misspelt word: any of its trigrams, re-ranked below
                ids = self._fts_trigram_ids(text)
        found = [self.products[i] for i in ids if i in self.products]
        found.sort(key=lambda p: -fuzz.WRatio(text, words(f"{p.brand} {p.name}")))
        return found[:limit]

    def _fts_ids(self, text: str) -> list[str]:
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
        return [self._rows[int(r[0]) - 1] for r in self._db.execute(sql, params)]

    def _fts_trigram_ids(self, text: str) -> list[str]:
        assert self._db is not None
        grams = {w[i : i + 3] for w in text.split() for i in range(len(w) - 2)}
        if not grams:
            return []
        query = " OR ".join('"' + g.replace('"', '""') + '"' for g in sorted(grams))
        sql = f"SELECT rowid FROM hits WHERE hits MATCH ? ORDER BY rank LIMIT {WIDE}"
        return [self._rows[int(r[0]) - 1] for r in self._db.execute(sql, [query])]

    def _pg_ids(self, text: str) -> list[str]:
        import sqlalchemy as sa

        assert self._pg is not None
        engine, (id_column, where, expression) = self._pg
        assert isinstance(engine, sa.Engine)
        params: dict[str, object] = {"wide": WIDE}
        tests, scores = [], []
        for n, word in enumerate(text.split()[:8]):
            params[f"w{n}"] = word
            tests.append(f":w{n} <% {expression}")
            scores.append(f"word_similarity(:w{n}, {expression})")
        with engine.connect() as con:
            con = con.execution_options(postgresql_readonly=True)
            # Every word close to a word of brand and name; else any (a misspelt word).
            for joined in (" AND ", " OR "):
                sql = (
                    f"SELECT {id_column} FROM {where} WHERE {joined.join(tests)}"
                    f" ORDER BY {' + '.join(scores)} DESC LIMIT :wide"
                )
                ids = [str(r[0]) for r in con.execute(sa.text(sql), params)]
                if ids:
                    return ids
        return []


def _pg_trgm(
    location: str, table: str, columns: dict[str, str]
) -> tuple[object, tuple[str, str, str]] | None:
    """An engine and the parts of the search query, when the catalog's database has
    ``pg_trgm``: the id column, the table and the searched expression (quoted identifiers)."""
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
    brand, title = columns["brand"], columns["name"]
    expression = f"lower(coalesce(\"{brand}\", '') || ' ' || coalesce(\"{title}\", ''))"
    return engine, (f'"{columns["id"]}"', where, expression)
