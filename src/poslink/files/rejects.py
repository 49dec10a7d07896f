"""The rejects file: the records a run could not use, with the reason, beside its output.

``OUT.rejects.csv`` holds one row per rejected record: its position, its POS id, the reason and
the record as JSON. It is written whole or not at all (``atomic.py``), and only when a record
was rejected: a run without rejects removes a stale one left at that path.
"""

from __future__ import annotations

import contextlib
import csv
import json
from pathlib import Path
from typing import Any, overload

from poslink.files.atomic import AtomicFile
from poslink.sinks.base import safe_cell


def reject_cells(row: int, pos_id: str, reason: str, raw: object) -> list[str]:
    """One rejects-file row: the record's position and id, the reason, the record as JSON."""
    record = json.dumps(raw, ensure_ascii=False, default=str, sort_keys=False)
    return [str(row), safe_cell(pos_id), safe_cell(reason), safe_cell(record)]


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

    def prepare(self) -> Path | None:
        """Write the rejects to disk, not yet in place (``commit`` renames): the file written
        (None when there is none: no rejects, an engine published them, or no path)."""
        if self._file is None or self._published:
            return None
        self._file.prepare()
        return self._file.written

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
