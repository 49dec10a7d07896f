"""The CSV sink (default) and the rejects file."""

from __future__ import annotations

import contextlib
import csv
import io
import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, overload

from poslink.records import Match, Status
from poslink.sinks.base import MATCH_COLUMNS, RISKY_STARTS, AtomicFile, Sink, safe_cell


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


def reject_cells(row: int, pos_id: str, reason: str, raw: object) -> list[str]:
    """One rejects-file row: the record's position and id, the reason, the record as JSON."""
    record = json.dumps(raw, ensure_ascii=False, default=str, sort_keys=False)
    return [str(row), safe_cell(pos_id), safe_cell(reason), safe_cell(record)]


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

    def commit(self) -> None:
        """Move the finished file into place."""
        self._file.commit()

    def abort(self) -> None:
        """Remove the temporary file."""
        self._file.abort()


@overload
def rejects_path(out: Path) -> Path: ...
@overload
def rejects_path(out: str) -> str: ...
@overload
def rejects_path(out: Path | str) -> Path | str: ...
def rejects_path(out: Path | str) -> Path | str:
    """Where the rejects of an output go: ``OUT.rejects.csv`` beside it (a URL stays a URL)."""
    if isinstance(out, Path):
        return out.with_name(out.stem + ".rejects.csv")
    head, _, name = out.rstrip("/").rpartition("/")
    stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
    return f"{head}/{stem}.rejects.csv"


class RejectsFile:
    """The records that could not be used, with the reason; written only when there are any.

    An engine that writes its output itself (Spark) publishes the rejects too and reports them
    with ``published``; this object then leaves the destination alone. Without a path (the
    output goes to standard output or a device) the rejects are only counted: their rows are
    in the output, status ``rejected``.
    """

    COLUMNS = ("row", "pos_id", "reason", "record")

    def __init__(self, path: Path | str | None) -> None:
        # ``location`` keeps a URL as given (an engine that publishes to object stores reads it).
        self.location = path
        self.path = Path(path) if path is not None else None
        self.count = 0
        self._file: AtomicFile | None = None
        self._writer: Any = None
        self._published = False

    def write(self, row: int, pos_id: str, reason: str, raw: object) -> None:
        """Add one rejected record."""
        self.count += 1
        if self.path is None:
            return
        try:
            if self._file is None:
                self._file = AtomicFile(self.path)
                self._writer = csv.writer(self._file.open())
                self._writer.writerow(self.COLUMNS)
            self._writer.writerow(reject_cells(row, pos_id, reason, raw))
        except OSError as exc:
            assert self._file is not None
            raise self._file.failed(exc) from exc

    def published(self, count: int) -> None:
        """An engine wrote (or, with no rejects, removed) the rejects file itself."""
        self.count = count
        self._published = True

    def prepare(self) -> None:
        """Write the rejects to disk, not yet in place (``commit`` renames)."""
        if self._file is not None and not self._published:
            self._file.prepare()

    def commit(self) -> None:
        """Publish the rejects; remove a stale rejects file when this run had none."""
        if self._published or self.path is None:
            return
        if self._file is not None:
            self._file.commit()
        elif self.path.is_file() or self.path.is_symlink():
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()

    def abort(self) -> None:
        """Drop this run's rejects."""
        if self._file is not None:
            self._file.abort()
