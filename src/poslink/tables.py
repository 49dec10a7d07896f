"""Tables in and out of the Python API: pandas DataFrames and Arrow tables or batches.

Records are read column by column (a field's values as Python objects, missing ones as None)
and the decisions are added as four columns after the table's own, in row order.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

import pyarrow as pa

from poslink.engines.batch import MATCH_SCHEMA
from poslink.exceptions import ConfigError
from poslink.records import RECORD_FIELDS, Match

__all__ = ["FIELDS", "MATCH_OUTPUT", "add_match_columns", "is_missing", "read_columns"]

T = TypeVar("T")

# What the API reads of a record: the matching fields, and what finds its override.
FIELDS = ("pos_id", *RECORD_FIELDS, "source")
# Columns tried for a field the caller does not map: its own name, then a POS export's usual
# one (the ``jane-json`` export's ``productName``, ``productId``).
_USUAL = {"name": ("name", "productName"), "pos_id": ("pos_id", "productId")}
# The columns added, as in ``poslink run``'s output, and the reason as ``poslink explain``
# gives it.
MATCH_OUTPUT = ("jane_product_id", "match_score", "match_status", "match_reason")


def is_missing(value: Any) -> bool:
    """Whether a value is a gap: None, a float NaN, or pandas' NA or NaT, each of which a
    table's column reads as None (``_column``), so a value given alone reads as the same."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    # pandas' missing values, told by their type: pandas is not a dependency of poslink.
    kind = type(value)
    return kind.__module__.startswith("pandas") and kind.__name__ in ("NAType", "NaTType")


def _is_pandas(table: Any) -> bool:
    return type(table).__module__.startswith("pandas") and hasattr(table, "columns")


def column_names(table: Any) -> list[str]:
    """The table's column names (a DataFrame, an Arrow table or an Arrow record batch)."""
    if _is_pandas(table):
        return [str(c) for c in table.columns]
    if isinstance(table, pa.Table | pa.RecordBatch):
        return list(table.schema.names)
    raise TypeError(
        f"expected a pandas DataFrame or a pyarrow Table or RecordBatch, not {type(table).__name__}"
    )


def read_columns(
    table: Any, columns: Mapping[str, str] | None = None
) -> tuple[dict[str, Sequence[Any]], int, dict[str, str]]:
    """Every field's values (``FIELDS``; a field the table lacks is all None), the number of
    rows, and the column each field was read from.

    A field of ``columns`` that poslink does not read, a column it names that the table does
    not have, a table without a name column, or one with two columns of a name it reads or
    writes (``MATCH_OUTPUT``) is a ``ConfigError`` naming it.
    """
    present = column_names(table)
    given = dict(columns or {})
    unknown = sorted(set(given) - set(FIELDS))
    if unknown:
        raise ConfigError(
            f"columns: unknown field(s) {', '.join(unknown)} (known: {', '.join(FIELDS)})"
        )
    chosen: dict[str, str] = {}
    for field in FIELDS:
        if field in given:
            if given[field] not in present:
                raise ConfigError(
                    f"columns: {field} = {given[field]!r} is not a column of the table"
                    f" (columns: {', '.join(present)})"
                )
            chosen[field] = given[field]
            continue
        for candidate in _USUAL.get(field, (field,)):
            if candidate in present:
                chosen[field] = candidate
                break
    if "name" not in chosen:
        raise ConfigError(
            "the table has no name column (name or productName); map one with "
            f"columns={{'name': ...}} (columns: {', '.join(present)})"
        )
    # A repeated column read, or a repeated match column (which one the decision would go to,
    # a user could not tell), is refused before any record is matched.
    repeated = sorted({c for c in (*chosen.values(), *MATCH_OUTPUT) if present.count(c) > 1})
    if repeated:
        raise ConfigError(
            f"the table has more than one column named {', '.join(map(repr, repeated))}:"
            " rename or drop the others"
        )
    size = len(table)
    values: dict[str, Sequence[Any]] = {
        field: _column(table, chosen[field]) if field in chosen else [None] * size
        for field in FIELDS
    }
    return values, size, chosen


def _column(table: Any, name: str) -> list[Any]:
    """A column's values as Python objects; missing values (null, NaN, NA) as None."""
    if _is_pandas(table):
        # The label itself: ``column_names`` gives labels as text (a column named 0 is "0").
        label = next(c for c in table.columns if str(c) == name)
        series = table[label].astype(object)
        values: list[Any] = series.where(series.notna(), None).tolist()
        return values
    found: list[Any] = table.column(name).to_pylist()
    return found


def match_arrays(matches: Sequence[Match]) -> dict[str, pa.Array]:
    """The ``MATCH_OUTPUT`` columns of some decisions, as Arrow arrays."""
    return {
        "jane_product_id": pa.array(
            [m.jane_product_id for m in matches], MATCH_SCHEMA.field("jane_product_id").type
        ),
        "match_score": pa.array([m.score for m in matches], pa.float64()),
        "match_status": pa.array([m.status.value for m in matches], pa.string()),
        "match_reason": pa.array([m.reason for m in matches], pa.string()),
    }


def add_match_columns(table: T, matches: Sequence[Match]) -> T:
    """A new table: ``table`` with the ``MATCH_OUTPUT`` columns added after its own, or
    replaced where they are (each at most once: ``read_columns`` refuses a repeated one)."""
    arrays = match_arrays(matches)
    out: Any = table
    if _is_pandas(out):
        out = out.copy()
        for name, array in arrays.items():
            out[name] = _pandas_values(array)
    elif isinstance(out, pa.Table):
        for name, array in arrays.items():
            at = out.schema.get_field_index(name)
            out = out.set_column(at, name, array) if at >= 0 else out.append_column(name, array)
    else:
        # A batch has no set_column: made anew, each column where it was, as for a Table.
        names = list(out.schema.names)
        added = [n for n in arrays if n not in names]
        columns = [arrays[n] if n in arrays else out.column(i) for i, n in enumerate(names)]
        out = pa.RecordBatch.from_arrays(
            columns + [arrays[n] for n in added], names=[*names, *added]
        )
    result: T = out
    return result


def _pandas_values(array: pa.Array) -> Any:
    """A column for a DataFrame: whole numbers with gaps as pandas' nullable ``Int64``."""
    import pandas as pd

    if pa.types.is_integer(array.type):
        return pd.array(array.to_pylist(), dtype="Int64")
    return array.to_numpy(zero_copy_only=False)
