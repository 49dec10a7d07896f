"""Parquet as a sink (the output, whole or not at all) and as a source (rows, columns mapped)."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import EXAMPLE_ARGS, poslink
from poslink.exceptions import InputError, SkippedRecord
from poslink.records import Match, Origin, PosRecord, Status
from poslink.sinks import parquet
from poslink.sinks.parquet import ParquetSink
from poslink.sources.parquet import ParquetSource


def test_the_parquet_output_holds_the_csv_outputs_rows(tmp_path: Path) -> None:
    done = poslink("run", *EXAMPLE_ARGS, "--out", tmp_path / "o.csv", "-q")
    assert done.returncode == 0, done.stderr
    done = poslink("run", *EXAMPLE_ARGS, "--out", tmp_path / "o.parquet", "--sink", "parquet")
    assert done.returncode == 0, done.stderr
    table = pq.read_table(tmp_path / "o.parquet")
    assert table.schema.field("match_score").type == pa.float64()
    with (tmp_path / "o.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    got = table.to_pylist()
    assert len(got) == len(rows) == 29
    for want, have in zip(rows, got, strict=True):
        for key, cell in want.items():
            value = have[key]
            if key == "match_score":
                assert (f"{value:.4f}" if value is not None else "") == cell
            else:
                # The CSV quotes cells a spreadsheet would run; Parquet keeps the text.
                assert ("" if value is None else value) == cell.removeprefix("'"), key


def test_a_failed_parquet_output_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "o.parquet"
    with pytest.raises(RuntimeError), ParquetSink(out, ["a"]) as sink:
        sink.write({"a": "x"}, Match(0, "1", 0.9, Status.MATCHED, "", Origin.MATCHER))
        raise RuntimeError("interrupted")
    assert list(tmp_path.iterdir()) == []


class Shade(str):
    """Text of a kind of its own: written as ``str()`` makes it, not as its characters."""

    def __str__(self) -> str:
        return f"shade {super().__str__()}"


def test_cells_taken_a_column_at_a_time_are_those_of_each_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parquet, "ROWS_PER_GROUP", 5)
    monkeypatch.setattr(parquet, "ROWS_PER_TAKE", 3)  # not a divisor: groups stay of 5
    values: list[Any] = ["x", None, 7, 2.5, True, {"k": "é"}, [1, 2], Shade("light"), "", "=1"]
    rows = [{"a": values[i % len(values)], "b": f"t{i}"} for i in range(12)]
    rows[11] = {}  # a row without the fields: nulls
    out = tmp_path / "o.parquet"
    with ParquetSink(out, ["a", "b"]) as sink:
        for i, row in enumerate(rows):
            sink.write(row, Match(i, None, 0.5, Status.NO_MATCH, "", Origin.MATCHER))
    file = pq.ParquetFile(out)
    assert [file.metadata.row_group(g).num_rows for g in range(file.num_row_groups)] == [5, 5, 2]
    table = file.read()
    assert table.column("a").to_pylist() == [parquet.text_of(r.get("a")) for r in rows]
    assert table.column("a").to_pylist()[:8] == [
        "x",
        None,
        "7",
        "2.5",
        "true",
        '{"k": "é"}',
        "[1, 2]",
        "shade light",
    ]
    assert table.column("b").to_pylist() == [f"t{i}" for i in range(11)] + [None]


def test_parquet_to_standard_output_is_refused(tmp_path: Path) -> None:
    done = poslink("run", *EXAMPLE_ARGS, "--out", "-", "--sink", "parquet")
    assert done.returncode == 2 and "the parquet sink writes a file" in done.stderr


def write(path: Path, columns: dict[str, list[Any]]) -> Path:
    pq.write_table(pa.table(columns), path)
    return path


@pytest.mark.parametrize(
    ("columns", "options", "expected"),
    [
        # The jane export's names by default; numbers read as text and quantities.
        (
            {"productId": [7], "productName": ["Gelato Cart"], "category": ["Vape"],
             "quantityAvailable": [3]},
            {},
            ("7", "Gelato Cart", "Vape", 3.0, None),
        ),
        # A mapping, found ignoring case; an empty optional field is none.
        (
            {"SKU": ["a-1"], "Product": ["Gelato Cart"], "BRAND": [""], "Qty": ["1,204"]},
            {"columns": {"id": "sku", "name": "Product", "brand": "Brand", "quantity": "Qty"}},
            ("a-1", "Gelato Cart", "", 1204.0, None),
        ),
        (
            {"SKU": ["b"], "Product": ["Gelato"], "Brand": ["Gold Leaf"]},
            {"columns": {"id": "SKU", "name": "Product", "brand": "Brand"}},
            ("b", "Gelato", "", None, "Gold Leaf"),
        ),
    ],
)  # fmt: skip
def test_rows_read_as_records(
    tmp_path: Path,
    columns: dict[str, list[Any]],
    options: dict[str, Any],
    expected: tuple[Any, ...],
) -> None:
    source = ParquetSource(write(tmp_path / "p.parquet", columns), options)
    (record,) = list(source.records())
    assert isinstance(record, PosRecord)
    assert (record.pos_id, record.name, record.category, record.quantity, record.brand) == expected
    assert source.fields == list(columns) and source.read_digest()


@pytest.mark.parametrize(
    ("columns", "reason"),
    [
        ({"productId": [None], "productName": ["Gelato"]}, "row 0: column 'productId' (the id)"),
        ({"productId": ["1"], "productName": ["--"]}, "row 0: column 'productName' (the name)"),
        ({"SKU": ["1"], "Name": ["Gelato"], "Qty": ["many"]}, "is not a number: 'many'"),
    ],
)
def test_an_unusable_row_is_skipped_with_its_number(
    tmp_path: Path, columns: dict[str, list[Any]], reason: str
) -> None:
    mapping = {"id": "SKU", "name": "Name", "quantity": "Qty"} if "SKU" in columns else None
    options = {"columns": mapping} if mapping else {}
    (skipped,) = list(ParquetSource(write(tmp_path / "p.parquet", columns), options).records())
    assert isinstance(skipped, SkippedRecord) and reason in skipped.reason


def test_a_missing_column_and_a_file_that_is_not_parquet(tmp_path: Path) -> None:
    path = write(tmp_path / "p.parquet", {"SKU": ["1"], "Name": ["x"]})
    with pytest.raises(InputError, match=r"column 'productId' \(columns\.id\) is not in the file"):
        list(ParquetSource(path).records())
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"PAR1 this is not one")
    with pytest.raises(InputError, match="not a Parquet file"):
        list(ParquetSource(bad).records())


def test_a_compressed_file_and_the_cli(tmp_path: Path) -> None:
    plain = write(
        tmp_path / "p.parquet",
        {"productId": ["1", "2"], "productName": ["Citrus Comet -1.0g- Sunny Valley", "  "],
         "category": ["Usable Marijuana", "Usable Marijuana"]},
    )  # fmt: skip
    packed = tmp_path / "p.parquet.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    out = tmp_path / "o.csv"
    done = poslink("run", "--pos", packed, "--source", "parquet", *EXAMPLE_ARGS[2:], "--out", out)
    assert done.returncode == 0, done.stderr
    assert "2 records: 1 matched, 0 no match, 0 ambiguous, 1 rejected" in done.stdout
    guessed = poslink("run", "--pos", plain, *EXAMPLE_ARGS[2:], "--out", out)
    assert guessed.returncode == 3 and "this looks like Parquet: --source parquet" in guessed.stderr


_CELL = st.one_of(st.none(), st.text(max_size=12), st.integers(-5, 10**6))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(_CELL, _CELL, _CELL), max_size=20))
def test_any_rows_give_records_or_skips(tmp_path: Path, rows: list[tuple[Any, Any, Any]]) -> None:
    columns = {
        "productId": [str(r[0]) if r[0] is not None else None for r in rows],
        "productName": [str(r[1]) if r[1] is not None else None for r in rows],
        "quantityAvailable": [str(r[2]) if r[2] is not None else None for r in rows],
    }
    path = tmp_path / "p.parquet"
    pq.write_table(pa.table(columns, schema=pa.schema([(k, pa.string()) for k in columns])), path)
    got = list(ParquetSource(path).records())
    assert len(got) == len(rows)
    assert [r.row for r in got] == list(range(len(rows)))
