"""A JSON Lines inventory export: one product object per line, as webhooks and bulk APIs give.

{"sku": "GL-1", "title": "Gelato Wax 1g", "vendor": "Gold Leaf", "type": "dab", "qty": 4}
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, Field

from poslink import InputError, PosRecord, SkippedRecord, Source, SourceOptions

FIELDS = ["sku", "title", "vendor", "type", "qty"]


class JsonlOptions(SourceOptions):
    """Which key holds the id."""

    id_key: str = Field("sku", description="the key holding the POS id")


class JsonlSource(Source):
    """JSON Lines: {sku, title, vendor, type, qty}, one object per line."""

    name: ClassVar[str] = "shop-jsonl"
    description: ClassVar[str] = "JSON Lines export: {sku, title, vendor, type, qty} per line"
    Options: ClassVar[type[BaseModel]] = JsonlOptions
    category_table = str(Path(__file__).with_name("categories.toml"))

    @property
    def fields(self) -> list[str]:
        """The export's keys, the id key first."""
        key = self.options.id_key  # type: ignore[attr-defined]
        return [key, *(f for f in FIELDS if f != key)]

    def records(self) -> Iterator[PosRecord | SkippedRecord]:
        """One record per non-blank line, read as the file streams in."""
        self.check_readable()
        key = self.options.id_key  # type: ignore[attr-defined]
        row = 0
        with self.path.open(encoding="utf-8") as handle:
            try:
                for number, line in enumerate(handle, start=1):
                    if not line.strip():
                        continue
                    yield self._record(row, number, line, key)
                    row += 1
            except UnicodeDecodeError as exc:
                raise InputError(f"{self.path}: not UTF-8 text") from exc

    def _record(self, row: int, number: int, line: str, key: str) -> PosRecord | SkippedRecord:
        where = f"{self.path.name} line {number}"
        try:
            obj: Any = json.loads(line)
        except json.JSONDecodeError as exc:
            return SkippedRecord(f"{where}: invalid JSON: {exc.msg}", row=row, raw={})
        if not isinstance(obj, dict):
            return SkippedRecord(f"{where}: not an object", row=row, raw={})
        raw = {f: obj.get(f) for f in self.fields}
        pos_id, title = obj.get(key), obj.get("title")
        if not isinstance(pos_id, str | int) or isinstance(pos_id, bool) or pos_id == "":
            return SkippedRecord(f"{where}: no {key}", row=row, raw=raw)
        if not isinstance(title, str) or not any(c.isalnum() for c in title):
            return SkippedRecord(f"{where}: no usable title", row=row, pos_id=str(pos_id), raw=raw)
        qty = obj.get("qty")
        number_ok = isinstance(qty, int | float) and not isinstance(qty, bool)
        if not number_ok:
            qty = None
        return PosRecord(
            row=row,
            source=self.name,
            pos_id=str(pos_id),
            name=title,
            product_type=obj.get("type") if isinstance(obj.get("type"), str) else None,
            brand=obj.get("vendor") if isinstance(obj.get("vendor"), str) else None,
            quantity=float(qty) if qty is not None and math.isfinite(qty) else None,
            raw=raw,
        )
