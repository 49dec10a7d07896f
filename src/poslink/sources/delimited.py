"""Any delimited text export (CSV, TSV, semicolon) with a column mapping from the configuration."""

from __future__ import annotations

import codecs
import csv
import math
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar, Literal, TextIO

from pydantic import BaseModel, ConfigDict, Field, field_validator

from poslink.exceptions import InputError, SkippedRecord
from poslink.records import PosRecord
from poslink.sources.base import Source, SourceOptions
from poslink.sources.validate import usable_name

_DELIMITER_NAMES = {"comma": ",", "semicolon": ";", "tab": "\t", "\\t": "\t", "pipe": "|"}
_SNIFFED = ",;\t|"


class Columns(BaseModel):
    """Which column of the export holds which field; ``id`` and ``name`` are required."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(description="the POS product id (SKU)")
    name: str = Field(description="the product name")
    category: str | None = Field(None, description="the POS category")
    brand: str | None = Field(None, description="the brand")
    product_type: str | None = Field(None, description="the product type")
    lineage: str | None = Field(None, description="indica / sativa / hybrid")
    weight: str | None = Field(None, description="the unit weight or size (3.5g, 1/8 oz)")
    quantity: str | None = Field(None, description="the quantity on hand")
    store: str | None = Field(None, description="the store or location")


class CsvOptions(SourceOptions):
    """How to read a delimited export."""

    columns: Columns
    delimiter: str = Field(
        "auto", description="one character, 'tab', 'comma', 'semicolon', 'pipe' or 'auto'"
    )
    encoding: str = Field("utf-8-sig", description="the file's text encoding")
    quotechar: str = Field('"', description="the quote character")
    decimal: Literal[".", ","] = Field(".", description="the decimal mark of quantities")

    @field_validator("delimiter")
    @classmethod
    def _delimiter(cls, value: str) -> str:
        value = _DELIMITER_NAMES.get(value.lower(), value)
        if value != "auto" and (len(value) != 1 or value in "\r\n\"'"):
            raise ValueError("must be one character (not a quote or newline), a name or 'auto'")
        return value

    @field_validator("encoding")
    @classmethod
    def _encoding(cls, value: str) -> str:
        try:
            codecs.lookup(value)
        except LookupError:
            raise ValueError(f"unknown encoding {value!r}") from None
        return value

    @field_validator("quotechar")
    @classmethod
    def _quotechar(cls, value: str) -> str:
        if len(value) != 1:
            raise ValueError("must be one character")
        return value


class CsvSource(Source):
    """A delimited export: one record per row, columns named by the ``columns`` mapping."""

    name: ClassVar[str] = "csv"
    description: ClassVar[str] = (
        "delimited text (comma, tab, semicolon; quoted fields; any encoding), columns mapped"
    )
    Options: ClassVar[type[BaseModel]] = CsvOptions
    category_table = "store"
    formats: ClassVar[tuple[str, ...]] = ("delimited",)

    options: CsvOptions

    def __init__(self, path: Path | str, options: BaseModel | Mapping[str, Any] | None = None):
        super().__init__(path, options)
        self._cached: tuple[tuple[str, ...], dict[str, int]] | None = None
        self._sniffed: str | None = None

    @property
    def fields(self) -> list[str]:
        """The header's column names (blank ones named ``column N``, repeats numbered)."""
        return list(self._layout()[0])

    def records(self) -> Iterator[PosRecord | SkippedRecord]:
        """Every data row, read as the file streams in; blank lines are not records."""
        fields, index = self._layout()
        delimiter = self._delimiter()
        width = len(fields)
        with self._open() as handle:
            reader = csv.reader(handle, delimiter=delimiter, quotechar=self.options.quotechar)
            try:
                next(reader, None)  # the header
                row = 0
                while True:
                    line = reader.line_num + 1
                    try:
                        cells = next(reader)
                    except StopIteration:
                        return
                    except csv.Error as exc:
                        yield SkippedRecord(f"{self.path.name} line {line}: {exc}", row=row, raw={})
                        row += 1
                        continue
                    if not cells:
                        continue
                    yield self._record(row, line, cells, fields, width, index)
                    row += 1
            except UnicodeDecodeError as exc:
                raise self._decode_error(exc) from exc

    # -- reading -----------------------------------------------------------------------------

    def _record(
        self,
        row: int,
        line: int,
        cells: list[str],
        fields: tuple[str, ...],
        width: int,
        index: dict[str, int],
    ) -> PosRecord | SkippedRecord:
        raw = dict(zip(fields, cells, strict=False))
        if len(cells) < width:
            raw.update(dict.fromkeys(fields[len(cells) :], ""))
        columns = self.options.columns
        pos_id = _cell(cells, index["id"])
        category = _cell(cells, index["category"]) if "category" in index else ""

        def skip(reason: str) -> SkippedRecord:
            return SkippedRecord(
                f"{self.path.name} line {line}: {reason}",
                row=row,
                pos_id=pos_id,
                raw=raw,
                category=category,
            )

        if len(cells) < width or any(c.strip() for c in cells[width:]):
            return skip(f"{len(cells)} fields, the header has {width}")
        if not pos_id:
            return skip(f"column {columns.id!r} (the id) is empty")
        name = cells[index["name"]]
        if not usable_name(name):
            return skip(f"column {columns.name!r} (the name) has no letters or digits")
        quantity: float | None = None
        if "quantity" in index:
            text = _cell(cells, index["quantity"])
            if text:
                quantity = _number(text, self.options.decimal)
                if quantity is None:
                    return skip(f"column {columns.quantity!r} is not a number: {text!r}")

        def optional(role: str) -> str | None:
            return _cell(cells, index[role]) or None if role in index else None

        return PosRecord(
            row=row,
            source=self.name,
            pos_id=pos_id,
            name=name,
            category=category,
            quantity=quantity,
            brand=optional("brand"),
            product_type=optional("product_type"),
            lineage=optional("lineage"),
            weight=optional("weight"),
            store=optional("store"),
            raw=raw,
        )

    def _layout(self) -> tuple[tuple[str, ...], dict[str, int]]:
        """The header's field names and the position of each mapped column (read once)."""
        if self._cached is not None:
            return self._cached
        self.check_readable()
        with self._open() as handle:
            reader = csv.reader(
                handle, delimiter=self._delimiter(), quotechar=self.options.quotechar
            )
            try:
                header = next(reader, None)
            except UnicodeDecodeError as exc:
                raise self._decode_error(exc) from exc
            except csv.Error as exc:
                raise InputError(f"{self.path}: header: {exc}") from exc
        if not header or not any(h.strip() for h in header):
            raise InputError(f"{self.path}: no header line (the first line names the columns)")
        fields = _field_names(header)
        index: dict[str, int] = {}
        for role, column in self.options.columns.model_dump().items():
            if column is None:
                continue
            found = _find_column(column, header)
            if found is None:
                raise InputError(
                    f"{self.path}: column {column!r} (columns.{role}) is not in the header; "
                    f"the header has: {', '.join(fields)}"
                )
            index[role] = found
        self._cached = (tuple(fields), index)
        return self._cached

    def _delimiter(self) -> str:
        if self.options.delimiter != "auto":
            return self.options.delimiter
        sniffed = self._sniffed
        if sniffed is None:
            self.check_readable()
            with self._open() as handle:
                try:
                    first = handle.readline(1 << 20)
                except UnicodeDecodeError as exc:
                    raise self._decode_error(exc) from exc
            sniffed = self._sniffed = sniff_delimiter(first, self.options.quotechar)
        return sniffed

    def _decode_error(self, exc: UnicodeDecodeError) -> InputError:
        return InputError(
            f"{self.path}: not {self.options.encoding} text ({exc.reason}); "
            "set the source option encoding"
        )

    def _open(self) -> TextIO:
        try:
            return self.open_text(encoding=self.options.encoding, newline="")
        except LookupError as exc:
            raise InputError(f"{self.path}: unknown encoding {self.options.encoding!r}") from exc


def sniff_delimiter(header: str, quotechar: str = '"') -> str:
    """The likeliest delimiter of a header line: the most frequent of , ; tab | outside quotes."""
    outside = re.sub(re.escape(quotechar) + r".*?" + re.escape(quotechar), "", header)
    counts = {d: outside.count(d) for d in _SNIFFED}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _field_names(header: list[str]) -> list[str]:
    """Output names for the header cells: blank ones named, repeated ones numbered."""
    names: list[str] = []
    seen: set[str] = set()
    for i, cell in enumerate(header, start=1):
        name = cell if cell.strip() else f"column {i}"
        candidate, n = name, 2
        while candidate in seen:
            candidate, n = f"{name} ({n})", n + 1
        seen.add(candidate)
        names.append(candidate)
    return names


def _find_column(column: str, header: list[str]) -> int | None:
    """The position of a mapped column: exact, else the one equal ignoring case and spaces."""
    if column in header:
        return header.index(column)
    folded = [h.strip().casefold() for h in header]
    want = column.strip().casefold()
    return folded.index(want) if folded.count(want) == 1 else None


def _cell(cells: list[str], i: int) -> str:
    return cells[i].strip() if i < len(cells) else ""


def _number(text: str, decimal: str) -> float | None:
    """A quantity: ``12``, ``1,234.5`` (or ``1.234,5`` with a decimal comma); none otherwise."""
    text = text.replace(" ", "").replace("\u00a0", "")
    text = text.replace(".", "").replace(",", ".") if decimal == "," else text.replace(",", "")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None
