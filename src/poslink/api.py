"""The Python API: build or load a catalog index once, then match records, tables, one name.

    >>> import poslink
    >>> matcher = poslink.Matcher.from_catalog("examples/jane/catalog.db")
    >>> matcher.match_one("Citrus Comet -1.0g- Sunny Valley", category="Usable Marijuana")
    Match(row=0, jane_product_id='5105', score=0.99..., status=<Status.MATCHED: 'matched'>, ...)

This is a facade over the engines' own per-record and per-batch steps
(``engines.base.match_record``, ``engines.batch.BatchMatcher``), so a record gets the decision
``poslink run`` gives it. Overrides from a decision store apply as they do in a run with
``--decisions``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pyarrow as pa

from poslink.catalogs import open_catalog
from poslink.config import MatcherConfig
from poslink.domain.knowledge import load_category_table
from poslink.engines.base import match_record
from poslink.engines.batch import RECORD_SCHEMA, BatchMatcher
from poslink.explain import Explanation, explain_item
from poslink.matching import CatalogIndex
from poslink.matching.index import catalog_version
from poslink.matching.saved import load_index, save_index
from poslink.records import RECORD_FIELDS, Match, PosRecord, Status
from poslink.sources.validate import kind_of, usable_name
from poslink.store.overrides import OverrideSet
from poslink.store.refreshed import StoredOverrides
from poslink.tables import FIELDS, add_match_columns, is_missing, read_columns

__all__ = ["DEFAULT_SOURCE", "Matcher", "StoredOverrides", "match"]

T = TypeVar("T")

# The POS source overrides are looked up under when a call names none (as `poslink run`).
DEFAULT_SOURCE = "jane-json"
# Records handed to the batch matcher at once: the local engine's default chunk.
BATCH_SIZE = 8_000


class Matcher:
    """A catalog index ready to match POS records, as ``poslink run`` matches them.

    Build it once (``from_catalog`` parses every catalog product; ``load`` reads a saved
    index in a fraction of that time), then call ``match_one``, ``match_table`` or
    ``explain`` as often as needed. Calls are serialised by a lock: one matcher may be shared
    by threads, and matches one record at a time.
    """

    def __init__(
        self,
        index: CatalogIndex,
        config: MatcherConfig | None = None,
        *,
        category_table: str = "default",
        overrides: StoredOverrides | None = None,
        source: str = DEFAULT_SOURCE,
    ) -> None:
        load_category_table(category_table)  # a bad name fails here, not on the first record
        self.index = index
        self.config = config or MatcherConfig()
        self.category_table = category_table
        self.overrides = overrides
        self.source = source
        self._batch = BatchMatcher(index, self.config, category_table)
        self._lock = threading.Lock()

    # -- building ------------------------------------------------------------------------------

    @classmethod
    def from_catalog(
        cls,
        location: str | Path,
        *,
        table: str = "products",
        columns: Mapping[str, str] | None = None,
        kind: str | None = None,
        config: MatcherConfig | None = None,
        category_table: str = "default",
        decisions: str | Path | None = None,
        source: str = DEFAULT_SOURCE,
    ) -> Matcher:
        """Read a catalog (a SQLite path or a database URL) and index it.

        ``table``, ``columns`` and ``kind`` are ``poslink run``'s ``--catalog-table``,
        ``--catalog-column`` and ``catalog_kind``; ``decisions`` a decision store whose
        overrides apply (those of ``source`` unless a call names another).
        """
        catalog = open_catalog(str(location), kind=kind, table=table, columns=columns)
        index = CatalogIndex.build(catalog.products())
        return cls(
            index,
            config,
            category_table=category_table,
            overrides=_stored(decisions),
            source=source,
        )

    @classmethod
    def load(
        cls,
        index_file: str | Path,
        *,
        catalog: str | Path | None = None,
        table: str = "products",
        columns: Mapping[str, str] | None = None,
        kind: str | None = None,
        config: MatcherConfig | None = None,
        category_table: str = "default",
        decisions: str | Path | None = None,
        source: str = DEFAULT_SOURCE,
    ) -> Matcher:
        """Load an index saved by ``save`` or ``poslink index build``.

        It is refused (``InputError``) when poslink's domain tables changed since it was
        built, and, when ``catalog`` is given, when that catalog is not the indexed one
        (``table``, ``columns`` and ``kind`` name where it is read, as in ``from_catalog``).
        """
        version = None
        if catalog is not None:
            opened = open_catalog(str(catalog), kind=kind, table=table, columns=columns)
            version = catalog_version(opened.products())
        index = load_index(Path(index_file), version)
        return cls(
            index,
            config,
            category_table=category_table,
            overrides=_stored(decisions),
            source=source,
        )

    def save(self, path: str | Path) -> None:
        """Write the index to ``path`` (atomically), for ``Matcher.load`` or ``run --index``."""
        save_index(self.index, Path(path))

    def warm_up(self) -> None:
        """Do now what the first records would otherwise wait for: build the index's table of
        exact names, which a record naming no brand is looked up in (a loaded index makes it
        on first use: half a second for 100,000 products), and take one record through the
        batch path (PyArrow imports pandas on its first array, when pandas is installed)."""
        self.index.exact_positions()
        self.match_records([{"name": "poslink warm-up"}])

    @property
    def catalog_version(self) -> str:
        """The indexed catalog's version: row count, highest id and a checksum."""
        return self.index.version

    def __len__(self) -> int:
        return len(self.index)

    def __repr__(self) -> str:
        return f"<poslink.Matcher: {len(self)} products, catalog {self.catalog_version}>"

    # -- matching ------------------------------------------------------------------------------

    def match_one(
        self,
        name: str,
        category: str = "",
        *,
        brand: str | None = None,
        product_type: str | None = None,
        lineage: str | None = None,
        weight: str | None = None,
        pos_id: str | int | None = None,
        source: str | None = None,
    ) -> Match:
        """The decision for one record: its catalog id (or none), score, status and reason.

        ``category`` and the structured fields are what a POS export gives besides the name;
        ``pos_id`` and ``source`` find the record's override, when a decision store is used.
        A name that cannot be used (not text, no letter or digit) is ``rejected``.
        """
        problem = _name_problem(name, "name")
        if problem:
            return Match(0, None, 0.0, Status.REJECTED, problem)
        record = PosRecord(
            row=0,
            source=_text(source) or self.source,
            pos_id=_pos_id(pos_id),
            name=name,
            category=_text(category) or "",
            brand=_text(brand),
            product_type=_text(product_type),
            lineage=_text(lineage),
            weight=_text(weight),
        )
        with self._lock:
            found = match_record(record, self._batch.parser, self._batch.matcher)
        return self._overridden([record], [found])[0]

    def match_records(self, records: Iterable[Mapping[str, Any]]) -> list[Match]:
        """The decisions for many records, each a mapping with ``name`` and any of
        ``pos_id``, ``category``, ``brand``, ``product_type``, ``lineage``, ``weight``,
        ``source``; ``row`` in each ``Match`` is the record's position."""
        rows = list(records)
        columns = {f: [r.get(f) for r in rows] for f in FIELDS}
        return self._match_columns(columns, len(rows), {"name": "name"})

    def match_table(self, table: T, *, columns: Mapping[str, str] | None = None) -> T:
        """A pandas DataFrame or an Arrow table with the match columns added.

        ``jane_product_id``, ``match_score``, ``match_status`` and ``match_reason`` are added
        after the table's own columns (replaced where they are), one row per row, in order;
        a table with two columns of one of those names is a ``ConfigError``. ``columns``
        maps poslink's fields (``name``, ``category``, ``brand``, ``product_type``,
        ``lineage``, ``weight``, ``pos_id``, ``source``) to the table's column names; by
        default each is read from the column of its own name, or from a POS export's usual
        one (``productName``, ``productId``) when the table has that.
        """
        values, size, names = read_columns(table, columns)
        return add_match_columns(table, self._match_columns(values, size, names))

    def explain(
        self,
        name: str,
        category: str = "",
        *,
        brand: str | None = None,
        product_type: str | None = None,
        lineage: str | None = None,
        weight: str | None = None,
        pos_id: str | int | None = None,
        source: str | None = None,
        top: int = 8,
    ) -> Explanation:
        """How a name is parsed, where each attribute came from, its ``top`` candidates with
        what vetoed them, and the decision ``match_one`` gives (``str()`` renders it)."""
        decision = self.match_one(
            name,
            category,
            brand=brand,
            product_type=product_type,
            lineage=lineage,
            weight=weight,
            pos_id=pos_id,
            source=source,
        )
        with self._lock:
            return explain_item(
                self._batch.parser,
                self._batch.matcher,
                decision,
                name,
                _text(category) or "",
                {
                    "brand": _text(brand),
                    "product_type": _text(product_type),
                    "lineage": _text(lineage),
                    "weight": _text(weight),
                },
                top,
            )

    # -- internals -----------------------------------------------------------------------------

    def _match_columns(
        self, values: Mapping[str, Sequence[Any]], size: int, names: Mapping[str, str]
    ) -> list[Match]:
        """One decision per row of ``values`` (field -> column values); ``names`` are the
        columns' names as the caller knows them, for the reasons of rejected rows."""
        matches: list[Match | None] = [None] * size
        todo: list[int] = []
        name_label = names.get("name", "name")
        for row, value in enumerate(values["name"]):
            problem = _name_problem(value, name_label)
            if problem:
                matches[row] = Match(row, None, 0.0, Status.REJECTED, problem)
            else:
                todo.append(row)
        fields = [[_text(v) for v in values[f]] for f in RECORD_FIELDS]
        for start in range(0, len(todo), BATCH_SIZE):
            part = todo[start : start + BATCH_SIZE]
            batch = pa.RecordBatch.from_arrays(
                [pa.array(part, pa.int64())]
                + [pa.array([column[r] for r in part], pa.string()) for column in fields],
                schema=RECORD_SCHEMA,
            )
            with self._lock:
                out = self._batch.match_batch(batch).to_pydict()
            for row, pid, score, status, reason in zip(
                out["row"],
                out["jane_product_id"],
                out["match_score"],
                out["match_status"],
                out["match_reason"],
                strict=True,
            ):
                matches[row] = Match(row, pid, score, Status(status), reason)
        done: list[Match] = [m for m in matches if m is not None]
        if self.overrides is None:
            return done
        records = [
            PosRecord(
                row=row,
                source=_text(source) or self.source,
                pos_id=_pos_id(pos_id),
                name=name if isinstance(name, str) else "",
            )
            for row, (name, pos_id, source) in enumerate(
                zip(values["name"], values["pos_id"], values["source"], strict=True)
            )
        ]
        return self._overridden(records, done)

    def _overridden(self, records: Sequence[PosRecord], matches: list[Match]) -> list[Match]:
        """The matches with the decision store's overrides on top (none for rejected ones)."""
        if self.overrides is None:
            return matches
        sets: dict[str, OverrideSet] = {}
        out = []
        for record, found in zip(records, matches, strict=True):
            if found.status is not Status.REJECTED:
                source = record.source or self.source
                if source not in sets:
                    sets[source] = self.overrides.get(source)
                found = sets[source].apply(record, found)
            out.append(found)
        return out


def match(
    table: T,
    *,
    catalog: str | Path | None = None,
    index: str | Path | None = None,
    columns: Mapping[str, str] | None = None,
    config: MatcherConfig | None = None,
    category_table: str = "default",
    decisions: str | Path | None = None,
    source: str = DEFAULT_SOURCE,
    catalog_table: str = "products",
    catalog_columns: Mapping[str, str] | None = None,
) -> T:
    """Match a DataFrame or Arrow table against a catalog in one call.

    ``catalog`` is read and indexed, or ``index`` (a saved index) loaded, checked against
    ``catalog`` when both are given; ``catalog_table`` and ``catalog_columns`` say where the
    catalog is read (``table`` and ``columns`` of ``Matcher.from_catalog``), ``columns`` which
    of ``table``'s columns hold the record's fields. To match many tables against one
    catalog, build a ``Matcher`` once instead.
    """
    options: dict[str, Any] = {
        "config": config,
        "category_table": category_table,
        "decisions": decisions,
        "source": source,
        "table": catalog_table,
        "columns": catalog_columns,
    }
    if index is not None:
        matcher = Matcher.load(index, catalog=catalog, **options)
    elif catalog is not None:
        matcher = Matcher.from_catalog(catalog, **options)
    else:
        raise TypeError("poslink.match needs catalog= (a catalog) or index= (a saved index)")
    return matcher.match_table(table, columns=columns)


def _stored(decisions: str | Path | None) -> StoredOverrides | None:
    return None if decisions is None else StoredOverrides(str(decisions))


def _name_problem(value: Any, label: str) -> str:
    """Why a name cannot be matched ("" when it can), worded as the sources word it."""
    if is_missing(value):
        return f"{label} is missing"
    if not isinstance(value, str):
        return f"{label} must be text, found {kind_of(value)}"
    if not usable_name(value):
        return f"{label} has no letters or digits"
    return ""


def _pos_id(value: Any) -> str:
    """A POS id as text ("" when missing). A whole float is an integer id read into a float
    column (pandas makes a column of ids with a gap float64): 9001.0 is the id 9001."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _text(value) or ""


def _text(value: Any) -> str | None:
    """A field's value as the engines read it: text, or None when missing (None, NaN, pandas'
    NA or NaT, as in a row of a DataFrame)."""
    if is_missing(value):
        return None
    return value if isinstance(value, str) else str(value)
