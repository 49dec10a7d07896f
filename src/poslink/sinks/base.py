"""The Sink extension point and what every sink shares: atomic files and safe cells."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from poslink.exceptions import InputError
from poslink.records import Match

MATCH_COLUMNS = ("jane_product_id", "match_score", "match_status")

# What a spreadsheet may run a cell starting with (unless the cell is a number).
RISKY_STARTS = "=+-@\t\r\n"
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def safe_cell(value: Any) -> str:
    """A cell a spreadsheet shows, not runs: text starting with = + - @ or a control is quoted."""
    if type(value) is str:  # most cells: the same answer as below, sooner
        if value and value[0] in RISKY_STARTS and not _NUMBER.match(value):
            return "'" + value
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    text = str(value)
    if text and text[0] in RISKY_STARTS and not _NUMBER.match(text):
        return "'" + text
    return text


class AtomicFile:
    """A file written under a temporary name and renamed into place only on success."""

    def __init__(self, path: Path, *, newline: str | None = "") -> None:
        self.path = path
        self.newline = newline
        self._tmp: str | None = None
        self.handle: IO[str] | None = None

    def open(self) -> IO[str]:
        """Create the temporary file beside the destination (same file system: rename is atomic)."""
        parent = self.path.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
            fd, self._tmp = tempfile.mkstemp(
                prefix=f".{self.path.name}.", suffix=".tmp", dir=parent
            )
        except OSError as exc:
            raise InputError(f"{self.path}: cannot write output: {exc.strerror}") from exc
        self.handle = os.fdopen(fd, "w", encoding="utf-8", newline=self.newline)
        return self.handle

    def commit(self) -> None:
        """Flush, sync and move the file into place."""
        assert self.handle is not None and self._tmp is not None
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        os.replace(self._tmp, self.path)
        self._tmp = None

    def abort(self) -> None:
        """Drop the temporary file; the destination keeps what it had."""
        if self.handle is not None and not self.handle.closed:
            self.handle.close()
        if self._tmp is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._tmp)
            self._tmp = None


class Sink(ABC):
    """Where output rows go: the record's original fields, then the match columns.

    Used as a context manager: leaving the block normally commits (the output appears whole),
    leaving it by an exception aborts (no output, an earlier file stays as it was).
    """

    name: str = ""

    def __init__(self, path: Path | str, fields: list[str]) -> None:
        # ``location`` keeps a URL as given (an engine that writes to object stores reads it).
        self.location = str(path)
        self.path = Path(path)
        self.fields = list(fields)

    @abstractmethod
    def open(self) -> None:
        """Start writing."""

    @abstractmethod
    def write(self, raw: Mapping[str, Any], match: Match) -> None:
        """Write one output row."""

    @abstractmethod
    def commit(self) -> None:
        """Finish: make the output visible."""

    @abstractmethod
    def abort(self) -> None:
        """Give up: leave no output behind."""

    def __enter__(self) -> Sink:
        self.open()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if kind is None:
            self.commit()
        else:
            self.abort()
