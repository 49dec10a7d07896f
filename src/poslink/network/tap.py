"""The report's view of one store's run: every record read and every output row written.

A sync puts a ``Tap`` around each store's source and sink (``pipeline.Shared.tap``): the source
notes each record's name and POS category as it is read, the sink each row's match as it is
written, and every few thousand rows the figures go to the report as one Arrow table
(``ReportBuilder.add_batch``). Rows are written in input order, one per record, whatever the
engine and the decision store do, so the n-th row written is the n-th record read. Nothing is
changed on the way: the engine, the decision store and the sink see the source and the rows
they would see without it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from poslink.exceptions import SkippedRecord
from poslink.network.report import ReportBuilder
from poslink.records import Match, PosRecord, Status
from poslink.sinks.base import Sink
from poslink.sources.base import Source, SourceView

# Rows gathered before they are counted, as one Arrow table.
ROWS_PER_BATCH = 8192


class Tap:
    """One store's figures on their way to the report."""

    def __init__(self, report: ReportBuilder) -> None:
        self.report = report
        # Of the records read (ahead of the rows written by the engine's window of chunks) ...
        self.names: list[str] = []
        self.categories: list[str | None] = []
        # ... and of the rows written.
        self.statuses: list[str] = []
        self.scores: list[float | None] = []

    def __call__(self, source: Source, sink: Sink) -> tuple[Source, Sink]:
        """The source and sink the run uses instead of ``source`` and ``sink``."""
        return TappedSource(source, self), TappedSink(sink, self)

    def record(self, record: PosRecord | SkippedRecord) -> None:
        """A record read: its name and category."""
        # A rejected record has no usable name, but is counted under its category all the same.
        self.names.append("" if isinstance(record, SkippedRecord) else record.name)
        self.categories.append(record.category or None)

    def row(self, match: Match) -> None:
        """A row written: its status and score (none for a rejected record)."""
        status = match.status
        self.statuses.append(status.value)
        self.scores.append(None if status is Status.REJECTED else match.score)
        if len(self.statuses) >= ROWS_PER_BATCH:
            self.flush()

    def flush(self) -> None:
        """Count the rows written so far, with the records they are of."""
        n = len(self.statuses)
        if not n:
            return
        table = pa.table(
            {
                "name": pa.array(self.names[:n], pa.string()),
                "category": pa.array(self.categories[:n], pa.string()),
                "match_status": pa.array(self.statuses, pa.string()),
                "match_score": pa.array(self.scores, pa.float64()),
            }
        )
        self.report.add_batch(table, "category")
        del self.names[:n], self.categories[:n]
        self.statuses.clear()
        self.scores.clear()

    def replayed(self, source: Source, output: Path, parquet: bool) -> None:
        """The figures of an output a decision store reused whole (nothing passed the tap):
        the records read again, paired in order with the output's rows."""
        if parquet:
            table = pq.read_table(output, columns=["match_status", "match_score"])
        else:
            options = pacsv.ConvertOptions(
                include_columns=["match_status", "match_score"],
                column_types={"match_status": pa.string(), "match_score": pa.string()},
                strings_can_be_null=True,
            )
            table = pacsv.read_csv(output, convert_options=options)
        statuses = table.column("match_status").to_pylist()
        scores = [_score(s) for s in table.column("match_score").to_pylist()]
        for record, status, score in zip(source.records(), statuses, scores, strict=True):
            self.record(record)
            self.statuses.append(status)
            self.scores.append(score)
            if len(self.statuses) >= ROWS_PER_BATCH:
                self.flush()


def _score(value: Any) -> float | None:
    if value is None or value == "":
        return None
    return float(value)


class TappedSource(SourceView):
    """A source read as it is, each record noted by the tap on its way."""

    def __init__(self, inner: Source, tap: Tap) -> None:
        super().__init__(inner)
        self.tap = tap

    def records(self) -> Iterator[PosRecord | SkippedRecord]:
        """The inner source's records, each noted."""
        note = self.tap.record
        for record in self.inner.records():
            note(record)
            yield record


class TappedSink(Sink):
    """A sink written as it is, each row noted by the tap on its way."""

    def __init__(self, inner: Sink, tap: Tap) -> None:
        super().__init__(inner.location, inner.fields)
        self.inner = inner
        self.tap = tap
        self.name = inner.name

    def open(self) -> None:
        """Open the inner sink."""
        self.inner.open()

    def write(self, raw: Mapping[str, Any], match: Match) -> None:
        """Write the row, then note it."""
        self.inner.write(raw, match)
        self.tap.row(match)

    def prepare(self) -> Path | None:
        """The inner sink's file, prepared."""
        return self.inner.prepare()

    def commit(self) -> None:
        """Publish the inner sink's output."""
        self.inner.commit()

    def abort(self) -> None:
        """Drop the inner sink's output."""
        self.inner.abort()
