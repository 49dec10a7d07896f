"""A Parquet export: one record per row, columns named by a mapping (as the ``csv`` source).

Without a mapping the jane export's column names are read (``productId``, ``productName``,
and, when present, ``category`` and ``quantityAvailable``), so a Parquet file with those
columns, poslink's own Parquet output among them, reads as is. The file is read through
``open_bytes`` (a snapshot of the bytes first seen, hashed for the decision store,
decompressed when gzip or zstd), then a row group at a time: a row whose id or name is missing
is skipped with its row number, never the file.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import BaseModel, Field

from poslink.exceptions import InputError, SkippedRecord
from poslink.records import PosRecord
from poslink.sources.base import Source, SourceOptions
from poslink.sources.delimited import Columns
from poslink.sources.validate import usable_name

JANE_COLUMNS = Columns(
    id="productId", name="productName", category="category", quantity="quantityAvailable"
)
_ROLES = ("category", "brand", "product_type", "lineage", "strain", "weight", "store")


class ParquetOptions(SourceOptions):
    """Which column holds which field (default: the jane export's names)."""

    columns: Columns = Field(JANE_COLUMNS, description="column of each field")


class ParquetSource(Source):
    """Rows of a Parquet file, columns mapped as for ``csv``."""

    name: ClassVar[str] = "parquet"
    description: ClassVar[str] = "a Parquet file, columns mapped (default: the jane export's)"
    Options: ClassVar[type[BaseModel]] = ParquetOptions
    category_table = "store"
    formats: ClassVar[tuple[str, ...]] = ("parquet",)

    options: ParquetOptions

    def __init__(self, path: Any, options: BaseModel | Mapping[str, Any] | None = None) -> None:
        super().__init__(path, options)
        # Whether the columns were mapped by the user (else the jane names, optional ones
        # allowed to be absent).
        self._mapped = "columns" in self.options.model_fields_set

    @property
    def fields(self) -> list[str]:
        """The file's column names, in order."""
        return list(self._file().schema_arrow.names)

    def records(self) -> Iterator[PosRecord | SkippedRecord]:
        """Every row, a row group at a time."""
        file = self._file()
        names = file.schema_arrow.names
        roles = self._roles(names)
        row = 0
        try:
            for batch in file.iter_batches(batch_size=8192):
                for raw in batch.to_pylist():
                    yield self._record(row, raw, roles)
                    row += 1
        except (pa.ArrowException, OSError) as exc:
            raise InputError(f"{self.path}: row group after row {row}: {exc}") from exc

    def _file(self) -> pq.ParquetFile:
        self.check_readable()
        with self.open_bytes() as handle:
            data = handle.read()  # a snapshot, hashed: Parquet needs its footer first
        try:
            return pq.ParquetFile(io.BytesIO(data))
        except (pa.ArrowException, OSError) as exc:
            raise InputError(f"{self.path}: not a Parquet file: {exc}") from exc

    def _roles(self, names: list[str]) -> dict[str, str]:
        """Each mapped field's column, found exactly or ignoring case and spaces."""
        folded = {n.strip().casefold(): n for n in names}
        roles: dict[str, str] = {}
        for role, column in self.options.columns.model_dump().items():
            if column is None:
                continue
            found = column if column in names else folded.get(column.strip().casefold())
            if found is None and role not in ("id", "name") and not self._mapped:
                continue  # the default mapping's optional columns may be absent
            if found is None:
                raise InputError(
                    f"{self.path}: column {column!r} (columns.{role}) is not in the file; "
                    f"it has: {', '.join(names)}"
                )
            roles[role] = found
        return roles

    def _record(
        self, row: int, raw: dict[str, Any], roles: dict[str, str]
    ) -> PosRecord | SkippedRecord:
        pos_id = _text(raw.get(roles["id"]))
        where = f"{self.path.name} row {row}"
        category = _text(raw.get(roles["category"])) if "category" in roles else ""
        if not pos_id:
            return SkippedRecord(
                f"{where}: column {roles['id']!r} (the id) is empty",
                row=row,
                raw=raw,
                category=category,
            )
        name = _text(raw.get(roles["name"]))
        if not usable_name(name):
            return SkippedRecord(
                f"{where}: column {roles['name']!r} (the name) has no letters or digits",
                row=row,
                pos_id=pos_id,
                raw=raw,
                category=category,
            )
        quantity = raw.get(roles["quantity"]) if "quantity" in roles else None
        if quantity is not None and not isinstance(quantity, int | float):
            try:
                quantity = float(str(quantity).replace(",", ""))
            except ValueError:
                return SkippedRecord(
                    f"{where}: column {roles['quantity']!r} is not a number: {quantity!r}",
                    row=row,
                    pos_id=pos_id,
                    raw=raw,
                    category=category,
                )
        if isinstance(quantity, float) and not math.isfinite(quantity):
            quantity = None
        optional = {role: _text(raw.get(roles[role])) or None for role in _ROLES if role in roles}
        optional.pop("category", None)
        return PosRecord(
            row=row,
            source=self.name,
            pos_id=pos_id,
            name=name,
            category=category,
            quantity=None if quantity is None else float(quantity),
            raw=raw,
            **optional,
        )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
