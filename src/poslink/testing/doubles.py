"""In-memory test doubles for the extension points: a Source, a Catalog and a Sink.

Real components with no files behind them, as httpx ships ``MockTransport``: a plugin's tests
can run the real parser, matcher and engine around the one part they are testing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from poslink.catalogs.base import Catalog, catalog_id
from poslink.exceptions import SkippedRecord
from poslink.records import CatalogProduct, Match, PosRecord
from poslink.sinks.base import MATCH_COLUMNS, Sink
from poslink.sources.base import Source
from poslink.sources.validate import usable_name

# Which PosRecord field a plain dict's key fills.
_RECORD_KEYS = ("category", "brand", "product_type", "lineage", "strain", "weight", "store")


class MemorySource(Source):
    """A source over records held in memory.

    Each item is a ``PosRecord`` or ``SkippedRecord`` (yielded as given) or a plain mapping with
    ``id`` and ``name`` (and optionally ``category``, ``brand``, ``quantity``, ...), which
    becomes a ``PosRecord`` whose ``raw`` is the mapping itself; a mapping without a usable name
    or id is skipped with a reason, as a file source would.
    """

    name: ClassVar[str] = "memory"
    description: ClassVar[str] = "records held in memory (for tests)"

    def __init__(
        self,
        items: Iterable[Mapping[str, Any] | PosRecord | SkippedRecord],
        fields: Sequence[str] | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(Path("<memory>"), options)
        self.items = list(items)
        if fields is None:
            seen: dict[str, None] = {}
            for item in self.items:
                raw = item.raw if isinstance(item, PosRecord | SkippedRecord) else item
                if isinstance(raw, Mapping):
                    seen.update(dict.fromkeys(raw))
            fields = list(seen)
        self._fields = list(fields)

    @property
    def fields(self) -> list[str]:
        """The given fields, else every key of the records in first-seen order."""
        return list(self._fields)

    def records(self) -> Iterator[PosRecord | SkippedRecord]:
        """The items, in order; mappings made into records."""
        for row, item in enumerate(self.items):
            if isinstance(item, PosRecord | SkippedRecord):
                yield item
                continue
            raw = dict(item)
            pos_id = "" if item.get("id") is None else str(item.get("id"))
            name = item.get("name")
            category = "" if item.get("category") is None else str(item.get("category"))
            if not pos_id:
                yield SkippedRecord("no id", row=row, raw=raw, category=category)
            elif not isinstance(name, str) or not usable_name(name):
                yield SkippedRecord(
                    "no usable name", row=row, pos_id=pos_id, raw=raw, category=category
                )
            else:
                quantity = item.get("quantity")
                extra = {k: item.get(k) for k in _RECORD_KEYS if item.get(k) is not None}
                yield PosRecord(
                    row=row,
                    source=self.name,
                    pos_id=pos_id,
                    name=name,
                    quantity=None if quantity is None else float(quantity),
                    raw=raw,
                    **{k: str(v) for k, v in extra.items()},
                )

    def check_readable(self) -> None:
        """Memory is always readable."""


class MemoryCatalog(Catalog):
    """A catalog over products held in memory (``CatalogProduct``s or their field mappings;
    a mapping's ``id`` may be a number: ids are text, as every catalog gives them)."""

    name = "memory"

    def __init__(self, products: Iterable[CatalogProduct | Mapping[str, Any]]) -> None:
        super().__init__("memory")
        self._products = [
            p
            if isinstance(p, CatalogProduct)
            else CatalogProduct(**{**dict(p), "id": catalog_id(dict(p).get("id")) or ""})
            for p in products
        ]

    def products(self) -> Iterator[CatalogProduct]:
        """Every product, in the order given."""
        yield from self._products


class MemorySink(Sink):
    """A sink that keeps its rows in memory and records whether it committed or aborted."""

    name = "memory"

    def __init__(self, fields: Sequence[str], path: Path | str = "<memory>") -> None:
        super().__init__(path, list(fields))
        self.written: list[tuple[dict[str, Any], Match]] = []
        self.opened = self.committed = self.aborted = False

    def open(self) -> None:
        """Start a fresh output."""
        self.written = []
        self.opened = True

    def write(self, raw: Mapping[str, Any], match: Match) -> None:
        """Keep one row."""
        assert self.opened, "write before open"
        self.written.append((dict(raw), match))

    def commit(self) -> None:
        """Mark the output finished."""
        self.committed = True

    def abort(self) -> None:
        """Mark the output dropped."""
        self.aborted = True

    @property
    def header(self) -> list[str]:
        """The columns a file sink would write: the source's fields, then the match columns."""
        return [*self.fields, *MATCH_COLUMNS]

    @property
    def rows(self) -> list[dict[str, Any]]:
        """Each row as the columns a file sink would write."""
        out = []
        for raw, match in self.written:
            row = {f: raw.get(f) for f in self.fields}
            row["jane_product_id"] = match.jane_product_id
            row["match_score"] = match.score
            row["match_status"] = match.status.value
            out.append(row)
        return out
