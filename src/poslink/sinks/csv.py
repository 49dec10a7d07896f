"""The CSV sink (default) and the rejects file."""

from __future__ import annotations

import contextlib
import csv
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from poslink.records import Match, Status
from poslink.sinks.base import MATCH_COLUMNS, AtomicFile, Sink, safe_cell


class CsvSink(Sink):
    """One CSV row per input record, in input order, written atomically."""

    name = "csv"

    def open(self) -> None:
        """Write the header to a temporary file."""
        self._file = AtomicFile(self.path)
        self._writer = csv.writer(self._file.open())
        self._writer.writerow([safe_cell(f) for f in (*self.fields, *MATCH_COLUMNS)])

    def write(self, raw: Mapping[str, Any], match: Match) -> None:
        """One row: the original fields, the catalog id (blank for none), score and status."""
        cells = [safe_cell(raw.get(f)) for f in self.fields]
        cells.append("" if match.jane_product_id is None else str(match.jane_product_id))
        cells.append("" if match.status is Status.REJECTED else f"{match.score:.4f}")
        cells.append(match.status.value)
        self._writer.writerow(cells)

    def commit(self) -> None:
        """Move the finished file into place."""
        self._file.commit()

    def abort(self) -> None:
        """Remove the temporary file."""
        self._file.abort()


def rejects_path(out: Path) -> Path:
    """Where the rejects of an output go: ``OUT.rejects.csv`` beside it."""
    return out.with_name(out.stem + ".rejects.csv")


class RejectsFile:
    """The records that could not be used, with the reason; written only when there are any."""

    COLUMNS = ("row", "pos_id", "reason", "record")

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._file: AtomicFile | None = None
        self._writer: Any = None

    def write(self, row: int, pos_id: str, reason: str, raw: object) -> None:
        """Add one rejected record."""
        if self._file is None:
            self._file = AtomicFile(self.path)
            self._writer = csv.writer(self._file.open())
            self._writer.writerow(self.COLUMNS)
        record = json.dumps(raw, ensure_ascii=False, default=str, sort_keys=False)
        self._writer.writerow([row, safe_cell(pos_id), safe_cell(reason), safe_cell(record)])
        self.count += 1

    def commit(self) -> None:
        """Publish the rejects; remove a stale rejects file when this run had none."""
        if self._file is not None:
            self._file.commit()
        else:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()

    def abort(self) -> None:
        """Drop this run's rejects."""
        if self._file is not None:
            self._file.abort()
