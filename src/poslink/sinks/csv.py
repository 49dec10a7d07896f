"""The CSV sink (default): one row per input record, in input order."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from poslink.files.atomic import AtomicFile
from poslink.records import Match, Status
from poslink.sinks.base import MATCH_COLUMNS, RISKY_STARTS, Sink, safe_cell


def header_cells(fields: Sequence[str]) -> list[str]:
    """The output's header: the source's fields, then the match columns."""
    return [safe_cell(f) for f in (*fields, *MATCH_COLUMNS)]


_STATUS_TEXT = {status: status.value for status in Status}


def output_cells(fields: Sequence[str], raw: Mapping[str, Any], match: Match) -> list[str]:
    """One output row: the original fields, the catalog id (blank for none), score, status and
    where the decision came from (blank for a rejected record: there was no decision)."""
    # Safe text, whole numbers and decimals (most cells) made here, what safe_cell makes of
    # them, without a call per cell.
    values: Iterator[Any] = map(raw.get, fields)
    cells: list[str] = [
        v
        if (kind := type(v)) is str and not (v and v[0] in RISKY_STARTS)
        else str(v)
        if kind is int
        else repr(v)
        if kind is float
        else safe_cell(v)
        for v in values
    ]
    pid, status = match.jane_product_id, match.status
    cells.append("" if pid is None else str(pid))
    if status is Status.REJECTED:
        cells += ("", "rejected", "")
    else:
        cells += (f"{match.score:.4f}", _STATUS_TEXT[status], match.origin.value)
    return cells


def csv_line(cells: Sequence[str]) -> str:
    """``cells`` as one CSV line, without its line end, quoted exactly as ``csv.writer`` quotes."""
    line = ",".join(cells)
    plain = '"' not in line and "\r" not in line and "\n" not in line
    if plain and line and line.count(",") == len(cells) - 1:
        return line  # no cell holds what csv quotes: the plain join (a sixth of writerow's cost)
    buffer = io.StringIO(newline="")
    # The default line end, then cut: it is also what makes csv quote a cell holding \r or \n.
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue()[:-2]


class CsvSink(Sink):
    """One CSV row per input record, in input order, written atomically."""

    name = "csv"

    def open(self) -> None:
        """Write the header to a temporary file (or straight to ``-``, a device or a FIFO)."""
        self._file = AtomicFile(Path(self.location))
        self._handle = self._file.open()
        self._put(csv_line(header_cells(self.fields)) + "\r\n")

    def write(self, raw: Mapping[str, Any], match: Match) -> None:
        """One row: the original fields, the catalog id (blank for none), score and status."""
        try:
            self._handle.write(csv_line(output_cells(self.fields, raw, match)) + "\r\n")
        except OSError as exc:
            raise self._file.failed(exc) from exc

    def _put(self, text: str) -> None:
        try:
            self._handle.write(text)
        except OSError as exc:
            raise self._file.failed(exc) from exc

    def prepare(self) -> Path | None:
        """Flush and sync the temporary file; it (None when writing to a stream)."""
        self._file.prepare()
        return self._file.written

    def commit(self) -> None:
        """Move the finished file into place."""
        self._file.commit()

    def abort(self) -> None:
        """Remove the temporary file."""
        self._file.abort()
