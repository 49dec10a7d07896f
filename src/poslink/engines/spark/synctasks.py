"""What executors run in a network sync on Spark (``sync.py``): stores read, records decided.

``ReadStores`` reads each store's export by its own source into frame batches tagged with the
store; ``MatchStores`` decides them against the broadcast index, as the local engine decides,
and gives each record's output cells (the Parquet sink's) and what the report needs.
"""

from __future__ import annotations

import pickle
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from poslink.engines.batch import BatchMatcher
from poslink.engines.spark.frames import FRAME_SCHEMA, frame_batches
from poslink.engines.spark.tasks import MatchTask, match_frame
from poslink.exceptions import PoslinkError
from poslink.records import Origin, Status
from poslink.sinks.parquet import text_of

# What the match step gives for every record: its store and row, the output's cells (source
# fields as f0, f1... in the group's order, then the match columns), what the report needs, and
# for a record set aside its rejects-file cells; a store that could not be read is one row
# with ``failure`` set. ``seconds``: the executor time its batches took to read and to match,
# shared equally among their rows (summed per store, the store's seconds in the report).
HEAD = (
    ("store", "string"),
    ("row", "long"),
    ("jane_product_id", "string"),
    ("match_score", "double"),
    ("match_status", "string"),
    ("match_source", "string"),
    ("name", "string"),
    ("category", "string"),
    ("pos_id", "string"),
    ("reject", "string"),
    ("raw", "binary"),
    ("failure", "string"),
    ("seconds", "double"),
)
HEAD_DDL = ", ".join(f"{name} {kind}" for name, kind in HEAD)


@dataclass(frozen=True)
class StoreExport:
    """A store an executor reads: its source class, options and export (an absolute path)."""

    store: str
    source: type
    options: dict[str, Any]
    path: str
    location: str  # as the manifest gave it, for messages


class ReadStores:
    """mapInArrow: each store slot of a batch read by its source, in frame batches tagged with
    the store; a store that cannot be read gives one row naming its failure instead."""

    def __init__(self, stores: list[StoreExport], chunk: int) -> None:
        self.stores = stores
        self.chunk = chunk

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        """The records of every store slot in the batches."""
        for batch in batches:
            for slot in batch.column("slot").to_pylist():
                yield from self._store(self.stores[slot])

    def _store(self, store: StoreExport) -> Iterator[pa.RecordBatch]:
        # Read whole before any is handed on: a store whose export breaks halfway gives no
        # rows but its failure.
        started = time.perf_counter()
        try:
            records = list(store.source(Path(store.path), store.options).records())
        except (PoslinkError, OSError, ValueError) as exc:
            message = str(exc).replace(store.path, store.location)
            failure = pa.RecordBatch.from_pydict(
                {"row": [-1], "store": [store.store], "failure": [message]},
            )
            yield _tagged(failure, store.store, message, time.perf_counter() - started)
            return
        for batch in frame_batches(records, self.chunk):
            yield _tagged(batch, store.store, None, time.perf_counter() - started)
            started = time.perf_counter()  # the time the next batch takes to frame


def _tagged(
    batch: pa.RecordBatch, store: str, failure: str | None, seconds: float
) -> pa.RecordBatch:
    """A frame batch with the ``store``, ``failure`` and ``seconds`` columns (a failure row:
    nulls else); ``seconds``, the time reading it took, shared among its rows."""
    n = batch.num_rows
    columns = {
        name: batch.column(name) if name in batch.schema.names else pa.nulls(n, field.type)
        for name, field in zip(FRAME_SCHEMA.names, FRAME_SCHEMA, strict=True)
    }
    columns["store"] = pa.array([store] * n, pa.string())
    columns["failure"] = pa.array([failure] * n, pa.string())
    columns["seconds"] = pa.array([seconds / n if n else 0.0] * n, pa.float64())
    return pa.RecordBatch.from_pydict(columns)


class MatchStores(MatchTask):
    """mapInArrow: frame batches of any store against the broadcast index, as output rows
    (``fields``: the group's source fields, the output's first columns)."""

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        """Each frame batch's rows, decided."""
        matcher = self._matcher()
        for frame in batches:
            yield self._rows(frame, matcher)

    def _rows(self, frame: pa.RecordBatch, matcher: BatchMatcher) -> pa.RecordBatch:
        started = time.perf_counter()
        failures: list[str | None] = frame.column("failure").to_pylist()
        usable = frame.filter(pc.is_null(frame.column("failure")))
        matches = iter(match_frame(usable, matcher) if usable.num_rows else [])
        raws: list[bytes | None] = frame.column("raw").to_pylist()
        rejects: list[str | None] = frame.column("reject").to_pylist()
        head: dict[str, list[Any]] = {k: [] for k in ("id", "score", "status", "origin", "raw")}
        cells: list[list[str | None]] = [[] for _ in self.fields]
        for failure, raw_bytes, reason in zip(failures, raws, rejects, strict=True):
            if failure is not None or raw_bytes is None:
                for column in (*head.values(), *cells):
                    column.append(None)
                continue
            match = next(matches)
            raw = pickle.loads(raw_bytes)
            kept = raw if isinstance(raw, dict) else {}  # as the local engine's sink writes it
            rejected = match.status is Status.REJECTED
            head["id"].append(match.jane_product_id)
            head["score"].append(None if rejected else match.score)
            head["status"].append(match.status.value)
            head["origin"].append(None if rejected else Origin.MATCHER.value)
            head["raw"].append(raw_bytes if reason is not None else None)
            for column, name in zip(cells, self.fields, strict=True):
                column.append(text_of(kept.get(name)))
        names = frame.column("name").to_pylist()
        # The batch may hold rows of several stores (Spark cuts its own batches): each row
        # gets an equal share of the time matching the batch took, added to its reading's.
        share = (time.perf_counter() - started) / max(frame.num_rows, 1)
        seconds = pc.add(frame.column("seconds"), share)
        return pa.RecordBatch.from_arrays(
            [
                frame.column("store"),
                frame.column("row"),
                pa.array(head["id"], pa.string()),
                pa.array(head["score"], pa.float64()),
                pa.array(head["status"], pa.string()),
                pa.array(head["origin"], pa.string()),
                pa.array([n or "" for n in names], pa.string()),
                frame.column("category"),
                frame.column("pos_id"),
                frame.column("reject"),
                pa.array(head["raw"], pa.binary()),
                frame.column("failure"),
                seconds,
                *(pa.array(c, pa.string()) for c in cells),
            ],
            names=[*(name for name, _ in HEAD), *(f"f{i}" for i in range(len(self.fields)))],
        )


class SyncStores:
    """mapInArrow: ``ReadStores`` and then ``MatchStores`` in one Python worker.

    As two steps, each record would go from the reading worker to the JVM and on to a matching
    worker, its original fields pickled for the trip; here a store's frame batches go straight
    from its source to the matcher, in the task that reads it.
    """

    def __init__(self, read: ReadStores, match: MatchStores) -> None:
        self.read = read
        self.match = match

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        """The output rows of every store slot in the batches."""
        return self.match(self.read(batches))
