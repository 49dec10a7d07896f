"""The delimited source: dialects, encodings, the column mapping, and rows it must set aside."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Literal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from poslink.exceptions import ConfigError, InputError, SkippedRecord
from poslink.records import PosRecord
from poslink.sources.delimited import CsvSource, sniff_delimiter

COLUMNS = {"id": "SKU", "name": "Name"}
FULL = {
    "id": "SKU",
    "name": "Name",
    "brand": "Brand",
    "category": "Cat",
    "product_type": "Type",
    "lineage": "Lineage",
    "weight": "Size",
    "quantity": "Qty",
    "store": "Store",
}


def source(path: Path, text: str | bytes, **options: object) -> CsvSource:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")
    return CsvSource(path, {"columns": COLUMNS, **options})


def test_every_mapped_field_reaches_the_record(tmp_path: Path) -> None:
    text = (
        "Store,SKU,Name,Brand,Cat,Type,Lineage,Strain,Size,Qty\n"
        "North,7, Gelato Wax ,Gold Leaf,Concentrates,Wax,Hybrid,Gelato,1g,4\n"
    )
    (tmp_path / "p.csv").write_text(text, encoding="utf-8")
    [record] = CsvSource(tmp_path / "p.csv", {"columns": FULL}).records()
    assert isinstance(record, PosRecord)
    assert (record.pos_id, record.name, record.brand, record.category) == (
        "7",
        " Gelato Wax ",
        "Gold Leaf",
        "Concentrates",
    )
    assert (record.product_type, record.lineage, record.weight) == ("Wax", "Hybrid", "1g")
    assert (record.quantity, record.store, record.source) == (4.0, "North", "csv")
    assert record.raw["Name"] == " Gelato Wax "  # verbatim, spaces and all


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("a,b;c", ","),
        ("SKU;Product Name;Brand", ";"),
        ("SKU\tName\tBrand, Inc", "\t"),
        ('"a;b",c,d', ","),
        ("a|b|c", "|"),
        ("single", ","),
    ],
)
def test_sniff_delimiter(header: str, expected: str) -> None:
    assert sniff_delimiter(header) == expected


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ("1", "1 fields, the header has 3"),
        ("1;x;3;4", "4 fields, the header has 3"),
        (";x;3", "column 'SKU' (the id) is empty"),
        ("  ;x;3", "column 'SKU' (the id) is empty"),
        ("1; -- ;3", "column 'Name' (the name) has no letters or digits"),
        ("1;x;many", "column 'Qty' is not a number: 'many'"),
        ("1;x;inf", "column 'Qty' is not a number: 'inf'"),
    ],
)
def test_bad_rows_are_skipped_naming_file_line_and_column(
    tmp_path: Path, cells: str, reason: str
) -> None:
    text = f"SKU;Name;Qty\n1;Good;2\n{cells}\n3;Also Good;1\n"
    recs = list(source(tmp_path / "p.csv", text, columns={**COLUMNS, "quantity": "Qty"}).records())
    assert [type(r).__name__ for r in recs] == ["PosRecord", "SkippedRecord", "PosRecord"]
    bad = recs[1]
    assert isinstance(bad, SkippedRecord) and bad.row == 1
    assert bad.reason == f"p.csv line 3: {reason}"


def test_trailing_empty_fields_and_blank_lines_are_fine(tmp_path: Path) -> None:
    text = "SKU,Name\r\n1,A,\r\n\r\n2,B,,\r\n"
    recs = list(source(tmp_path / "p.csv", text).records())
    assert [(r.row, r.pos_id) for r in recs] == [(0, "1"), (1, "2")]


def test_quoted_fields_span_lines_and_hold_delimiters(tmp_path: Path) -> None:
    text = 'SKU;Name\n1;"Blue; ""Dream""\nSecond line"\n2;x\n'
    recs = list(source(tmp_path / "p.csv", text).records())
    assert isinstance(recs[0], PosRecord) and recs[0].name == 'Blue; "Dream"\nSecond line'
    bad = list(source(tmp_path / "q.csv", 'SKU;Name\n1;"open\n;\n2;x\n').records())
    assert [r.row for r in bad] == list(range(len(bad)))


def test_declared_encoding(tmp_path: Path) -> None:
    text = "SKU;Name\n1;Crème Brûlée\n"
    src = source(tmp_path / "p.csv", text.encode("cp1252"), encoding="cp1252")
    assert [r.name for r in src.records() if isinstance(r, PosRecord)] == ["Crème Brûlée"]
    wrong = source(tmp_path / "q.csv", text.encode("cp1252"))
    with pytest.raises(InputError, match=r"q\.csv: not utf-8-sig text \(invalid continuation byte"):
        list(wrong.records())


def test_decimal_comma(tmp_path: Path) -> None:
    text = 'SKU;Name;Qty\n1;A;"1.234,5"\n2;B;3\n'
    cols = {**COLUMNS, "quantity": "Qty"}
    recs = list(source(tmp_path / "p.csv", text, columns=cols, decimal=",").records())
    assert [r.quantity for r in recs if isinstance(r, PosRecord)] == [1234.5, 3.0]


def test_header_names_blank_and_repeated_columns(tmp_path: Path) -> None:
    src = source(tmp_path / "p.csv", "SKU,Name,,Name\n1,a,b,c\n")
    assert src.fields == ["SKU", "Name", "column 3", "Name (2)"]
    [record] = src.records()
    assert isinstance(record.raw, dict)
    assert dict(record.raw) == {"SKU": "1", "Name": "a", "column 3": "b", "Name (2)": "c"}


def test_mapped_columns_match_ignoring_case_and_spaces(tmp_path: Path) -> None:
    src = source(tmp_path / "p.csv", " sku ,NAME\n1,a\n")
    assert [r.pos_id for r in src.records()] == ["1"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no header line"),
        ("\n\n", "no header line"),
        (
            "Id,Name\n1,a\n",
            "column 'SKU' (columns.id) is not in the header; the header has: Id, Name",
        ),
    ],
)
def test_unreadable_files(tmp_path: Path, text: str, message: str) -> None:
    src = source(tmp_path / "p.csv", text)
    with pytest.raises(InputError, match=re.escape(message)) as info:
        _ = src.fields
    assert str(tmp_path / "p.csv") in str(info.value)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({}, "option columns: required, not given"),
        ({"columns": {"id": "SKU"}}, "option columns.name: required, not given"),
        ({"columns": {**COLUMNS, "sku": "x"}}, "option columns.sku: not a known key"),
        ({"columns": COLUMNS, "delimiter": ";;"}, "option delimiter: must be one"),
        ({"columns": COLUMNS, "encoding": "klingon"}, "unknown encoding 'klingon'"),
        ({"columns": COLUMNS, "decimal": ";"}, "option decimal"),
    ],
)
def test_bad_options(tmp_path: Path, options: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        CsvSource(tmp_path / "p.csv", options)


SURROGATES: tuple[Literal["Cs"]] = ("Cs",)
cell = st.text(st.characters(codec="utf-8", exclude_categories=SURROGATES), max_size=12)


@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.lists(cell, min_size=0, max_size=5), max_size=8),
    st.sampled_from([",", ";", "\t"]),
)
def test_any_rows_give_one_outcome_per_row_and_keep_cells(
    tmp_path: Path, rows: list[list[str]], delimiter: str
) -> None:
    path = tmp_path / "p.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(["SKU", "Name", "Brand"])
        writer.writerows(rows)
    src = CsvSource(path, {"columns": {**COLUMNS, "brand": "Brand"}, "delimiter": delimiter})
    recs = list(src.records())
    kept = [r for r in rows if r]  # csv writes [] as a blank line: not a record
    assert [r.row for r in recs] == list(range(len(kept)))
    for written, record in zip(kept, recs, strict=True):
        if isinstance(record, PosRecord):
            # cells past the header's three are dropped only when empty
            assert [record.raw[f] for f in src.fields] == [*written, "", ""][:3]
            assert not any(c.strip() for c in written[3:])
