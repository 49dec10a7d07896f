"""The network report: what a sync did, store by store, as JSON, a readable table and HTML.

Figures are gathered from the matched output a batch at a time with Arrow compute (no Python
work per record): per store the records of each status and the seconds taken; per POS category
the records and ids given; the ``match_score`` histogram of the records given an id and of
those not; and the products most often left without an id, by name, with how many stores carry
them (the catalog team's first gaps to fill).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

STATUSES = ("matched", "no_match", "ambiguous", "rejected")
# Histogram bins of match_score: tenths.
BINS = 10
# The unmatched products listed, most carried first.
TOP_UNMATCHED = 25


@dataclass
class StoreResult:
    """One store's sync: ``status`` is ``ok`` or ``failed`` (``error`` says why)."""

    store: str
    source: str
    location: str
    status: str = "ok"
    error: str = ""
    records: int = 0
    matched: int = 0
    no_match: int = 0
    ambiguous: int = 0
    rejected: int = 0
    reused: int = 0
    seconds: float = 0.0
    output: str = ""
    # Records this store sent to the matcher, and those the sync's shared cache answered.
    decided: int = 0
    cached: int = 0

    @property
    def match_rate(self) -> float:
        """Ids given over usable records (rejected ones left out)."""
        usable = self.records - self.rejected
        return self.matched / usable if usable else 0.0


@dataclass
class Share:
    """Records and ids given of a group (a source system, a category)."""

    records: int = 0
    matched: int = 0
    stores: int = 0
    rejected: int = 0

    @property
    def rate(self) -> float:
        """Ids given over usable records (rejected ones left out), as a store's match rate."""
        usable = self.records - self.rejected
        return self.matched / usable if usable else 0.0


@dataclass
class Unmatched:
    """A product name many records carry without an id."""

    name: str
    records: int
    stores: int


@dataclass
class NetworkReport:
    """Everything the report pages show; built by ``ReportBuilder``."""

    stores: list[StoreResult]
    systems: dict[str, Share]
    categories: dict[str, Share]
    histogram: dict[str, list[int]]  # "given" / "blank" -> count per tenth of match_score
    unmatched: list[Unmatched]
    seconds: float
    catalog_version: str = ""
    decisions: int = 0  # distinct records matched (the shared cache's size)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def totals(self) -> StoreResult:
        """The whole network as one line."""
        ok = [s for s in self.stores if s.status == "ok"]
        total = StoreResult("all", "", "", seconds=self.seconds)
        for s in ok:
            for name in ("records", *STATUSES, "reused"):
                setattr(total, name, getattr(total, name) + getattr(s, name))
        return total

    @property
    def failed(self) -> list[StoreResult]:
        """The stores that could not be synced."""
        return [s for s in self.stores if s.status != "ok"]

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON data."""
        totals = self.totals
        return {
            "stores": len(self.stores),
            "failed": len(self.failed),
            "records": totals.records,
            **{name: getattr(totals, name) for name in STATUSES},
            "reused": totals.reused,
            "match_rate": round(totals.match_rate, 4),
            "seconds": round(self.seconds, 3),
            "records_per_second": round(totals.records / self.seconds) if self.seconds else None,
            "decisions": self.decisions,
            "catalog_version": self.catalog_version,
            "per_store": [
                {**asdict(s), "seconds": round(s.seconds, 3), "match_rate": round(s.match_rate, 4)}
                for s in self.stores
            ],
            "per_source": {k: _share(v) for k, v in sorted(self.systems.items())},
            "per_category": {k: _share(v) for k, v in sorted(self.categories.items())},
            "histogram": {"bins": _bin_labels(), **self.histogram},
            "unmatched": [asdict(u) for u in self.unmatched],
            **self.extra,
        }

    def to_json(self) -> str:
        """``as_dict`` as indented JSON text."""
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False) + "\n"

    def to_text(self, limit: int | None = None) -> str:
        """A readable table: the totals, each source system, then each store (the ``limit``
        lowest match rates, failed stores always)."""
        totals = self.totals
        lines = [
            f"{len(self.stores)} stores ({len(self.failed)} failed), {totals.records:,} records:"
            f" {totals.matched:,} matched, {totals.no_match:,} no match, {totals.ambiguous:,}"
            f" ambiguous, {totals.rejected:,} rejected; match rate {totals.match_rate:.1%};"
            f" {self.seconds:.1f} s",
            "",
            f"{'source':<20} {'stores':>7} {'records':>10} {'matched':>10} {'rate':>7}",
        ]
        for name, share in sorted(self.systems.items()):
            lines.append(
                f"{name:<20} {share.stores:>7,} {share.records:>10,} {share.matched:>10,}"
                f" {share.rate:>7.1%}"
            )
        lines += ["", _STORE_HEADER]
        stores = sorted(self.stores, key=lambda s: (s.status == "ok", s.match_rate, s.store))
        if limit is not None:
            failed = [s for s in stores if s.status != "ok"]
            shown = failed + [s for s in stores if s.status == "ok"][:limit]
        else:
            shown = stores
        for s in shown:
            lines.append(_store_line(s))
        if len(shown) < len(stores):
            lines.append(f"... {len(stores) - len(shown)} more stores in the JSON and HTML reports")
        return "\n".join(lines) + "\n"


_STORE_HEADER = (
    f"{'store':<24} {'source':<14} {'records':>9} {'matched':>9} {'no match':>9}"
    f" {'ambig.':>7} {'rejected':>9} {'rate':>7} {'seconds':>8}  status"
)


def _store_line(s: StoreResult) -> str:
    status = "ok" if s.status == "ok" else f"FAILED: {s.error}"
    return (
        f"{s.store[:24]:<24} {s.source[:14]:<14} {s.records:>9,} {s.matched:>9,}"
        f" {s.no_match:>9,} {s.ambiguous:>7,} {s.rejected:>9,} {s.match_rate:>7.1%}"
        f" {s.seconds:>8.2f}  {status}"
    )


def _share(share: Share) -> dict[str, Any]:
    return {**asdict(share), "rate": round(share.rate, 4)}


def _bin_labels() -> list[str]:
    return [f"{i / BINS:.1f}-{(i + 1) / BINS:.1f}" for i in range(BINS)]


class _Store:
    """One store's figures while it is read: merged into the report only when it completes."""

    def __init__(self) -> None:
        self.categories: dict[str, Share] = defaultdict(Share)
        self.histogram = {"given": [0] * BINS, "blank": [0] * BINS}
        self.unmatched: Counter[str] = Counter()


class ReportBuilder:
    """Gathers the report's figures from each store's matched output, batch by batch."""

    def __init__(self) -> None:
        self.stores: list[StoreResult] = []
        self._systems: dict[str, Share] = defaultdict(Share)
        self._categories: dict[str, Share] = defaultdict(Share)
        self._histogram = {"given": [0] * BINS, "blank": [0] * BINS}
        self._unmatched_records: Counter[str] = Counter()
        self._unmatched_stores: Counter[str] = Counter()
        self._store = _Store()

    def add_batch(self, table: pa.Table | pa.RecordBatch, category: str | None) -> None:
        """Count one batch of a store's output: ``match_status``, ``match_score``, the name
        column ``name`` and, when the source has one, the ``category`` column."""
        store = self._store
        status = table.column("match_status")
        given = pc.equal(status, "matched")
        if category is not None:
            cats = pc.fill_null(pc.cast(table.column(category), pa.string()), "")
            rejected = pc.cast(pc.equal(status, "rejected"), pa.int64())
            grouped = pa.table(
                {"c": cats, "g": pc.cast(given, pa.int64()), "r": rejected}
            ).group_by("c")
            for row in grouped.aggregate([("g", "count"), ("g", "sum"), ("r", "sum")]).to_pylist():
                share = store.categories[row["c"] or "(none)"]
                share.records += row["g_count"]
                share.matched += row["g_sum"] or 0
                share.rejected += row["r_sum"] or 0
        scores = table.column("match_score")
        for key, mask in (("given", given), ("blank", pc.invert(given))):
            picked = pc.drop_null(pc.filter(scores, pc.and_kleene(mask, pc.is_valid(scores))))
            if len(picked):
                bins = pc.min_element_wise(
                    pc.cast(pc.floor(pc.multiply(picked, BINS)), pa.int64()), BINS - 1
                )
                for b, n in zip(*_counts(bins), strict=True):
                    store.histogram[key][b] += n
        open_ = pc.and_(pc.not_equal(status, "matched"), pc.not_equal(status, "rejected"))
        names = pc.filter(table.column("name"), open_)
        if len(names):
            folded = pc.utf8_trim_whitespace(
                pc.replace_substring_regex(pc.utf8_lower(names), r"\s+", " ")
            )
            for name, n in zip(*_counts(folded), strict=True):
                if name:
                    store.unmatched[name] += n

    def end_store(self, result: StoreResult) -> None:
        """Close one store: its figures and the names it carried without an id."""
        store, self._store = self._store, _Store()
        self.stores.append(result)
        share = self._systems[result.source]
        share.stores += 1
        share.records += result.records
        share.matched += result.matched
        share.rejected += result.rejected
        for name, got in store.categories.items():
            mine = self._categories[name]
            mine.records += got.records
            mine.matched += got.matched
            mine.rejected += got.rejected
            mine.stores += 1
        for key, counts in store.histogram.items():
            self._histogram[key] = [
                a + b for a, b in zip(self._histogram[key], counts, strict=True)
            ]
        self._unmatched_records.update(store.unmatched)
        self._unmatched_stores.update(store.unmatched.keys())

    def fail_store(self, result: StoreResult) -> None:
        """A store that could not be synced: reported, and its partial figures left out."""
        self._store = _Store()
        result.status = "failed"
        self.stores.append(result)

    def build(self, seconds: float, **extra: Any) -> NetworkReport:
        """The report."""
        top = sorted(
            self._unmatched_records,
            key=lambda n: (-self._unmatched_stores[n], -self._unmatched_records[n], n),
        )[:TOP_UNMATCHED]
        unmatched = [
            Unmatched(n, self._unmatched_records[n], self._unmatched_stores[n]) for n in top
        ]
        return NetworkReport(
            stores=self.stores,
            systems=dict(self._systems),
            categories=dict(self._categories),
            histogram=self._histogram,
            unmatched=unmatched,
            seconds=seconds,
            catalog_version=str(extra.pop("catalog_version", "")),
            decisions=int(extra.pop("decisions", 0)),
            extra=extra,
        )


def _counts(array: pa.Array | pa.ChunkedArray) -> tuple[list[Any], list[int]]:
    """Distinct values and their counts."""
    counted = pc.value_counts(array)
    return counted.field("values").to_pylist(), counted.field("counts").to_pylist()
