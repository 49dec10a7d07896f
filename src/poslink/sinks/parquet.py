"""The Parquet sink: the output as one Parquet file (zstd), written whole or not at all.

The columns are the CSV output's: the source's fields as text (a nested value as JSON, a
missing one null), then ``jane_product_id`` (text, null when blank), ``match_score`` (double,
null for a rejected record), ``match_status`` and ``match_source`` (text). No cell is quoted
against spreadsheets: Parquet is read by programs, which see the text as it was. Rows are
buffered and written a row group at a time; the source's fields are taken from the rows a few
thousand at a time, a column at a time (most cells are text already, and are taken as they are).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from poslink.exceptions import ConfigError
from poslink.files.atomic import STDOUT, AtomicFile
from poslink.records import Match, Status
from poslink.sinks.base import MATCH_COLUMNS, Sink

# Rows per row group: large enough for columnar readers, small enough to bound memory.
ROWS_PER_GROUP = 65_536
# Rows whose source fields are held as written (their mappings) before they are taken into the
# columns: a bound on what the rows' mappings keep alive.
ROWS_PER_TAKE = 4096

_TEXT_OR_NONE = frozenset({str, type(None)})


def output_schema(fields: Sequence[str]) -> pa.Schema:
    """The output's columns: the source's fields as text, then the match columns."""
    id_, score, status, origin = MATCH_COLUMNS
    return pa.schema(
        [pa.field(f, pa.string()) for f in fields]
        + [
            pa.field(id_, pa.string()),
            pa.field(score, pa.float64()),
            pa.field(status, pa.string()),
            pa.field(origin, pa.string()),
        ]
    )


def texts_of(values: list[Any]) -> list[Any]:
    """``text_of`` of each value: the list itself when every value is text or None already."""
    if set(map(type, values)) <= _TEXT_OR_NONE:
        return values
    return [text_of(v) for v in values]


def text_of(value: Any) -> str | None:
    """A source value as the Parquet output holds it."""
    if value is None or type(value) is str:
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


class ParquetSink(Sink):
    """One Parquet row per input record, in input order."""

    name = "parquet"

    def open(self) -> None:
        """Start a temporary file beside the destination."""
        if str(self.location) == STDOUT:
            raise ConfigError("the parquet sink writes a file: give --out a path")
        self.schema = output_schema(self.fields)
        self._file = AtomicFile(Path(self.location))
        handle = self._file.open()
        try:
            self._writer = pq.ParquetWriter(handle.buffer, self.schema, compression="zstd")
        except OSError as exc:
            self._file.abort()
            raise self._file.failed(exc) from exc
        self._columns: list[list[Any]] = [[] for _ in self.schema]
        self._raws: list[Mapping[str, Any]] = []  # rows whose fields are not yet taken
        self._prepared = False

    def write(self, raw: Mapping[str, Any], match: Match) -> None:
        """Buffer one row; write a row group when enough are buffered."""
        self._raws.append(raw)
        columns = self._columns
        n = len(self.fields)
        rejected = match.status is Status.REJECTED
        columns[n].append(match.jane_product_id)
        columns[n + 1].append(None if rejected else match.score)
        columns[n + 2].append(match.status.value)
        columns[n + 3].append(None if rejected else match.origin.value)
        if len(columns[n]) >= ROWS_PER_GROUP:
            self._flush()
        elif len(self._raws) >= ROWS_PER_TAKE:
            self._take()

    def _take(self) -> None:
        """The buffered rows' source fields into the columns, a column at a time."""
        raws = self._raws
        for column, name in zip(self._columns, self.fields, strict=False):
            column.extend(texts_of([raw.get(name) for raw in raws]))
        raws.clear()

    def _flush(self) -> None:
        self._take()
        if not self._columns[-1]:
            return
        table = pa.Table.from_arrays(
            [pa.array(c, type=f.type) for c, f in zip(self._columns, self.schema, strict=True)],
            schema=self.schema,
        )
        try:
            self._writer.write_table(table)
        except OSError as exc:
            raise self._file.failed(exc) from exc
        for column in self._columns:
            column.clear()

    def prepare(self) -> Path | None:
        """Write what is buffered and the footer, sync the temporary file; that file."""
        if not self._prepared:
            self._flush()
            try:
                self._writer.close()
            except OSError as exc:
                self._file.abort()
                raise self._file.failed(exc) from exc
            self._prepared = True
        self._file.prepare()
        return self._file.written

    def commit(self) -> None:
        """Prepare the file (if not done), then move it into place."""
        self.prepare()
        self._file.commit()

    def abort(self) -> None:
        """Drop the temporary file."""
        writer = getattr(self, "_writer", None)
        if writer is not None:
            with contextlib.suppress(OSError, pa.ArrowException):
                writer.close()  # the file is dropped anyway
        if hasattr(self, "_file"):
            self._file.abort()
