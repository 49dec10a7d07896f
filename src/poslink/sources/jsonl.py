"""JSON Lines: one record object per line, the fields of the ``jane-json`` export.

Read line by line, so memory does not grow with the file. A line that is not JSON (or not
UTF-8) is one bad record: it goes to the rejects file, naming its line, and the others go on.
Blank lines are not records.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import ClassVar

from poslink.exceptions import SkippedRecord
from poslink.records import PosRecord
from poslink.sources.jane_json import JaneJsonSource
from poslink.sources.json_items import json_problem


class JsonLinesSource(JaneJsonSource):
    """One JSON object per line: {category, productId, productName, quantityAvailable}."""

    name: ClassVar[str] = "jsonl"
    description: ClassVar[str] = (
        "JSON Lines, one {category, productId, productName, quantityAvailable} object a line"
    )
    formats: ClassVar[tuple[str, ...]] = ("json-lines",)

    def records(self) -> Iterator[PosRecord | SkippedRecord]:
        """Every non-blank line, decoded and validated."""
        self.check_readable()
        decoder = json.JSONDecoder()
        row = 0
        with self.open_bytes() as handle:
            for number, line in enumerate(handle, start=1):
                if number == 1 and line.startswith(b"\xef\xbb\xbf"):
                    line = line[3:]
                if not line.strip():
                    continue
                yield self._line(row, number, line, decoder)
                row += 1

    def _line(
        self, row: int, number: int, line: bytes, decoder: json.JSONDecoder
    ) -> PosRecord | SkippedRecord:
        try:
            text = line.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError as exc:
            # The line as far as it reads, for the rejects file: what the catalog team fixes.
            return SkippedRecord(
                f"line {number}: not UTF-8 text (byte {exc.start})",
                row=row,
                raw=line.decode("utf-8", "replace").rstrip("\r\n"),
            )
        try:
            obj = decoder.decode(text)
        except json.JSONDecodeError as exc:
            return SkippedRecord(
                f"line {number}: invalid JSON at column {exc.colno}: {json_problem(exc.msg)}",
                row=row,
                raw=text,
            )
        except RecursionError:
            # The json module is recursive: a line nested beyond Python's recursion limit is
            # one bad record, as any other line it cannot read.
            return SkippedRecord(
                f"line {number}: JSON nested too deeply to read", row=row, raw=text
            )
        return self._record(row, obj)
