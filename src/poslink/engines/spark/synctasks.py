"""What executors run in a network sync on Spark (``sync.py``): stores read, decided, written.

``SyncStores`` takes a store at a time: it reads the export by the store's own source, decides
the records against the broadcast index as the local engine decides them, and writes the
store's Parquet file into the staging folder with the local engine's own sink (the same
columns, values and file layout: ``store=<id>/part-0.parquet``). Only what the report needs
goes back to Spark, a row per record.
"""

from __future__ import annotations

import pickle
import time
from collections.abc import Iterator
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import Any

import pyarrow as pa

from poslink.engines.batch import BatchMatcher, matches_of, records_to_batch
from poslink.engines.spark.tasks import MatchTask
from poslink.exceptions import PoslinkError, SkippedRecord
from poslink.records import RECORD_FIELDS, Match, PosRecord, Status
from poslink.sinks.parquet import ParquetSink

# What a store gives the report, a row per record: its store and row, what the report reads,
# and for a record set aside its rejects-file cells (``raw``: its fields, pickled); a store
# that could not be read is one row with ``failure`` set. ``seconds``: the executor's time
# reading, deciding and writing the store, shared equally among its rows (summed per store,
# the store's seconds in the report); ``cached``, whether the worker answered the record from
# its memory of records decided before (the report's ``cached``; the others are ``decided``).
_COLUMNS = (
    ("store", "string"),
    ("row", "long"),
    ("name", "string"),
    ("category", "string"),
    ("match_status", "string"),
    ("match_score", "double"),
    ("pos_id", "string"),
    ("reject", "string"),
    ("raw", "binary"),
    ("failure", "string"),
    ("seconds", "double"),
    ("cached", "boolean"),
)
_ARROW = {
    "string": pa.string(),
    "long": pa.int64(),
    "double": pa.float64(),
    "binary": pa.binary(),
    "boolean": pa.bool_(),
}
FIGURES = pa.schema([pa.field(name, _ARROW[kind]) for name, kind in _COLUMNS])
FIGURES_DDL = ", ".join(f"{name} {kind}" for name, kind in _COLUMNS)


@dataclass(frozen=True)
class StoreExport:
    """A store an executor reads: its source class, options and export (an absolute path)."""

    store: str
    source: type
    options: dict[str, Any]
    path: str
    location: str  # as the manifest gave it, for messages


class SyncStores:
    """mapInArrow: each store slot of the batches read, decided by ``match``'s matcher and
    written under ``target`` (a folder every executor can write); its report rows given back.

    A store's file is written whole or not at all (the sink's temporary file, renamed when
    complete), so a task Spark runs again replaces it.
    """

    def __init__(
        self, match: MatchTask, stores: list[StoreExport], chunk: int, target: str
    ) -> None:
        self.match = match
        self.stores = stores
        self.chunk = chunk
        self.target = target

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        """The report rows of every store slot in the batches."""
        matcher = self.match.matcher()
        for batch in batches:
            for slot in batch.column("slot").to_pylist():
                yield self._store(self.stores[slot], matcher)

    def _store(self, store: StoreExport, matcher: BatchMatcher) -> pa.RecordBatch:
        started = time.perf_counter()
        # Read whole before anything is written: a store whose export breaks halfway gives no
        # file and no rows but its failure.
        try:
            records = list(store.source(Path(store.path), store.options).records())
        except (PoslinkError, OSError, ValueError) as exc:
            message = str(exc).replace(store.path, store.location)
            return _figures(store.store, failure=message, seconds=time.perf_counter() - started)
        cached = _answered(records, matcher)
        matches = self._decide(records, matcher)
        folder = Path(self.target) / f"store={store.store}"
        folder.mkdir(parents=True, exist_ok=True)
        sink = ParquetSink(folder / "part-0.parquet", self.match.fields)
        sink.open()
        try:
            for record, match in zip(records, matches, strict=True):
                if isinstance(record, SkippedRecord):
                    # As the local engine: the row keeps what the source could read of it.
                    sink.write(record.raw if isinstance(record.raw, dict) else {}, match)
                else:
                    sink.write(record.raw, match)
            sink.commit()
        except BaseException:
            sink.abort()
            raise
        return _figures(
            store.store,
            records=records,
            matches=matches,
            cached=cached,
            seconds=time.perf_counter() - started,
        )

    def _decide(
        self, records: list[PosRecord | SkippedRecord], matcher: BatchMatcher
    ) -> list[Match]:
        """Every record's match, in order: one set aside by the source is ``rejected``."""
        usable = [r for r in records if isinstance(r, PosRecord)]
        decided: list[Match] = []
        for start in range(0, len(usable), self.chunk):
            chunk = records_to_batch(usable[start : start + self.chunk])
            decided += matches_of(matcher.match_batch(chunk))
        found = iter(decided)
        return [
            next(found)
            if isinstance(r, PosRecord)
            else Match(r.row, None, 0.0, Status.REJECTED, r.reason)
            for r in records
        ]


def _answered(records: list[PosRecord | SkippedRecord], matcher: BatchMatcher) -> list[bool]:
    """Whether the worker answers each record without deciding it, as the local engine counts:
    from its memory of records decided before, or as a repeat of one earlier in the store."""
    key = attrgetter(*RECORD_FIELDS)
    seen: set[tuple[str | None, ...]] = set()
    out = []
    for record in records:
        values = key(record) if isinstance(record, PosRecord) else None
        out.append(values is not None and (values in seen or matcher.remembers(values)))
        if values is not None:
            seen.add(values)
    return out


def _figures(
    store: str,
    *,
    records: list[PosRecord | SkippedRecord] | None = None,
    matches: list[Match] | None = None,
    cached: list[bool] | None = None,
    failure: str | None = None,
    seconds: float,
) -> pa.RecordBatch:
    """A store's report rows (one naming its failure when it could not be read)."""
    if failure is not None or not records or matches is None:
        rows = 1 if failure is not None else 0
        columns: dict[str, list[Any]] = {name: [None] * rows for name in FIGURES.names}
        columns.update(store=[store] * rows, row=[-1] * rows, failure=[failure] * rows)
        columns["seconds"] = [seconds] * rows
        return pa.RecordBatch.from_pydict(columns, schema=FIGURES)
    n = len(records)
    rejected = [r if isinstance(r, SkippedRecord) else None for r in records]
    return pa.RecordBatch.from_pydict(
        {
            "store": [store] * n,
            "row": [r.row for r in records],
            "name": [r.name if isinstance(r, PosRecord) else "" for r in records],
            # A rejected record's category too: the report counts it under it (as network.tap).
            "category": [r.category or None for r in records],
            "match_status": [m.status.value for m in matches],
            "match_score": [None if m.status is Status.REJECTED else m.score for m in matches],
            "pos_id": [r.pos_id for r in records],
            "reject": [r.reason if r is not None else None for r in rejected],
            "raw": [
                pickle.dumps(r.raw, protocol=pickle.HIGHEST_PROTOCOL) if r is not None else None
                for r in rejected
            ],
            "failure": [None] * n,
            "seconds": [seconds / n] * n,
            "cached": cached if cached is not None else [False] * n,
        },
        schema=FIGURES,
    )
