"""A record a source rejects keeps its POS category when it had one as text: the network report
counts it under that category, as it counts the records it could use."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from poslink.exceptions import SkippedRecord
from poslink.sources.base import Source
from poslink.sources.delimited import CsvSource
from poslink.sources.dutchie import DutchieSource
from poslink.sources.jane_json import JaneJsonSource
from poslink.sources.jsonl import JsonLinesSource
from poslink.sources.menu import MenuSource
from poslink.sources.parquet import ParquetSource
from poslink.testing import MemorySource

CSV_COLUMNS = {"id": "SKU", "name": "Product Name", "category": "Category"}


def _json(document: Any) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_text(json.dumps(document), encoding="utf-8")

    return write


def _text(text: str) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_text(text, encoding="utf-8")

    return write


def _parquet(rows: list[dict[str, Any]]) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        pq.write_table(pa.Table.from_pylist(rows), path)

    return write


def _jane(**fields: Any) -> dict[str, Any]:
    return {"category": "Gummies", "productId": 7, "productName": "Zorbly Chews", **fields}


# (case, source, file suffix, writer, options, the rejected record's category)
CASES: list[tuple[str, type[Source], str, Callable[[Path], None], Mapping[str, Any], str]] = [
    ("jane no name", JaneJsonSource, ".json", _json([_jane(productName=None)]), {}, "Gummies"),
    ("jane bad name", JaneJsonSource, ".json", _json([_jane(productName="!!")]), {}, "Gummies"),
    ("jane bad id", JaneJsonSource, ".json", _json([_jane(productId=True)]), {}, "Gummies"),
    (
        "jane bad quantity",
        JaneJsonSource,
        ".json",
        _json([_jane(quantityAvailable="lots")]),
        {},
        "Gummies",
    ),
    ("jane category not text", JaneJsonSource, ".json", _json([_jane(category=3)]), {}, ""),
    (
        "jsonl no name",
        JsonLinesSource,
        ".jsonl",
        _text(json.dumps(_jane(productName="")) + "\n"),
        {},
        "Gummies",
    ),
    (
        "csv empty id",
        CsvSource,
        ".csv",
        _text("SKU,Product Name,Category\n,Zorbly Chews,Gummies\n"),
        {"columns": CSV_COLUMNS},
        "Gummies",
    ),
    (
        "csv too few fields",
        CsvSource,
        ".csv",
        _text("SKU,Product Name,Category,Brand\nz1,Zorbly Chews,Gummies\n"),
        {"columns": CSV_COLUMNS},
        "Gummies",
    ),
    (
        "menu variant no id",
        MenuSource,
        ".json",
        _json({"products": [{"name": "Zorbly", "category": "Gummies", "variants": [{}]}]}),
        {},
        "Gummies",
    ),
    (
        "menu variants not a list",
        MenuSource,
        ".json",
        _json({"products": [{"id": 1, "name": "Zorbly", "category": "Gummies", "variants": 3}]}),
        {},
        "Gummies",
    ),
    (
        "menu variant not an object",
        MenuSource,
        ".json",
        _json({"products": [{"id": 1, "name": "Zorbly", "category": "Gummies", "variants": [2]}]}),
        {},
        "Gummies",
    ),
    (
        "dutchie no name",
        DutchieSource,
        ".json",
        _json([{"inventoryId": 5, "productName": None, "category": "Gummies"}]),
        {},
        "Gummies",
    ),
    (
        "parquet empty id",
        ParquetSource,
        ".parquet",
        _parquet([_jane(productId="", quantityAvailable=1.0)]),
        {},
        "Gummies",
    ),
]


@pytest.mark.parametrize(
    ("source", "suffix", "write", "options", "category"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_a_rejected_record_keeps_its_category(
    tmp_path: Path,
    source: type[Source],
    suffix: str,
    write: Callable[[Path], None],
    options: Mapping[str, Any],
    category: str,
) -> None:
    path = tmp_path / f"feed{suffix}"
    write(path)
    (record,) = list(source(path, options).records())
    assert isinstance(record, SkippedRecord)
    assert record.category == category


def test_a_rejected_memory_record_keeps_its_category() -> None:
    (record,) = list(MemorySource([{"id": "z1", "name": "", "category": "Gummies"}]).records())
    assert isinstance(record, SkippedRecord)
    assert record.category == "Gummies"
