"""A JSON array export: ``[{category, productId, productName, quantityAvailable}, ...]``.

The array is streamed (``json_items.py``, ijson): memory does not grow with the export.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any, ClassVar

from poslink.exceptions import SkippedRecord
from poslink.records import PosRecord
from poslink.sources.base import Source
from poslink.sources.json_items import iter_array
from poslink.sources.validate import kind_of, usable_name

FIELDS = ["category", "productId", "productName", "quantityAvailable"]
_FIELD_SET = frozenset(FIELDS)


class JaneJsonSource(Source):
    """A JSON array of {category, productId, productName, quantityAvailable} records."""

    name: ClassVar[str] = "jane-json"
    description: ClassVar[str] = (
        "JSON array of {category, productId, productName, quantityAvailable} records"
    )
    formats: ClassVar[tuple[str, ...]] = ("json-array",)

    @property
    def fields(self) -> list[str]:
        """The export's four fields."""
        return list(FIELDS)

    def records(self) -> Iterator[PosRecord | SkippedRecord]:
        """Every element of the array, validated, read as the file is streamed."""
        self.check_readable()
        for row, obj in enumerate(iter_array(self.path, self.open_bytes)):
            yield self._record(row, obj)

    def _record(self, row: int, obj: Any) -> PosRecord | SkippedRecord:
        if type(obj) is dict:
            # The usual, valid record, checked in a few steps; anything else takes the long
            # way below, which names the problem. (JSON gives exact types: no bool as int.)
            pos_id, name = obj.get("productId"), obj.get("productName")
            category, quantity = obj.get("category"), obj.get("quantityAvailable")
            if (
                (type(pos_id) is int or (type(pos_id) is str and pos_id))
                and type(name) is str
                and (category is None or type(category) is str)
                and (
                    quantity is None
                    or type(quantity) is int
                    or (type(quantity) is float and math.isfinite(quantity))
                )
                and usable_name(name)
            ):
                return PosRecord(
                    row=row,
                    source=self.name,
                    pos_id=str(pos_id),
                    name=name,
                    category=category or "",
                    quantity=None if quantity is None else float(quantity),
                    # The decoded object itself when it holds just the four fields.
                    raw=obj
                    if obj.keys() == _FIELD_SET
                    else {
                        "category": category,
                        "productId": pos_id,
                        "productName": name,
                        "quantityAvailable": quantity,
                    },
                )
        if not isinstance(obj, dict):
            return SkippedRecord(f"record is {kind_of(obj)}, not an object", row=row, raw={})
        raw = {k: obj.get(k) for k in FIELDS}
        category = obj.get("category")
        # The category a reject is counted under in the network report, when it is text.
        known = category if isinstance(category, str) else ""
        pos_id = obj.get("productId")
        if isinstance(pos_id, bool) or not isinstance(pos_id, int | str) or pos_id == "":
            return SkippedRecord(
                f"productId must be a number or text, found {_found_id(pos_id)}",
                row=row,
                raw=raw,
                category=known,
            )
        name = obj.get("productName")
        if not isinstance(name, str):
            return SkippedRecord(
                f"productName must be text, found {kind_of(name)}",
                row=row,
                pos_id=str(pos_id),
                raw=raw,
                category=known,
            )
        if not usable_name(name):
            return SkippedRecord(
                "productName has no letters or digits",
                row=row,
                pos_id=str(pos_id),
                raw=raw,
                category=known,
            )
        if category is not None and not isinstance(category, str):
            return SkippedRecord(
                f"category must be text, found {kind_of(category)}",
                row=row,
                pos_id=str(pos_id),
                raw=raw,
            )
        quantity = obj.get("quantityAvailable")
        if quantity is not None and (
            isinstance(quantity, bool)
            or not isinstance(quantity, int | float)
            or not math.isfinite(quantity)
        ):
            return SkippedRecord(
                f"quantityAvailable must be a number, found {kind_of(quantity)}",
                row=row,
                pos_id=str(pos_id),
                raw=raw,
                category=known,
            )
        return PosRecord(
            row=row,
            source=self.name,
            pos_id=str(pos_id),
            name=name,
            category=known,
            quantity=None if quantity is None else float(quantity),
            raw=raw,
        )


def _found_id(value: object) -> str:
    """What a refused productId is: the number itself when it is not written as an integer
    ("found a number" would contradict the rule), empty text, or the kind of JSON value."""
    if isinstance(value, float):
        return f"{value!r}, a number not written as an integer"
    return "empty text" if value == "" else kind_of(value)
