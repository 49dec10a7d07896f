"""The Sink extension point and what every sink shares: the match columns and safe cells."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from poslink.records import Match

__all__ = ["MATCH_COLUMNS", "Sink", "output_fields", "safe_cell"]

MATCH_COLUMNS = ("jane_product_id", "match_score", "match_status", "match_source")

# What a spreadsheet may run a cell starting with (unless the cell is a number).
RISKY_STARTS = "=+-@\t\r\n"
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def output_fields(fields: Sequence[str]) -> list[str]:
    """The source's fields an output keeps: all but the match columns, which an export that is
    an earlier output of poslink has too (its decisions are replaced, not written twice)."""
    return [f for f in fields if f not in MATCH_COLUMNS]


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
        self.fields = output_fields(fields)

    @abstractmethod
    def open(self) -> None:
        """Start writing."""

    @abstractmethod
    def write(self, raw: Mapping[str, Any], match: Match) -> None:
        """Write one output row."""

    def prepare(self) -> Path | None:
        """Finish writing, all but making the output visible: the file ``commit`` will put in
        place, whole on disk, or None when there is none to read back (a stream, a sink that
        publishes elsewhere). A decision store records its digest with the run, in the run's
        one transaction, before the output is published. This default prepares nothing."""
        return None

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
