"""The Python API: the decisions `poslink run` gives, from a DataFrame, an Arrow table or a call."""

from __future__ import annotations

import json
import math
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

import poslink
from helpers import EXAMPLES, make_catalog
from helpers import poslink as run_cli
from helpers.catalogs import renamed_catalog
from poslink.exceptions import ConfigError, InputError
from poslink.records import Match, Status
from poslink.sinks.csv import csv_line, header_cells, output_cells
from poslink.sources.jane_json import FIELDS
from poslink.tables import MATCH_OUTPUT, column_names
from poslink_dev.synth import generate

CATALOG = EXAMPLES / "jane/catalog.db"


@pytest.fixture(scope="module")
def example() -> poslink.Matcher:
    return poslink.Matcher.from_catalog(CATALOG)


def csv_of(records: list[Any], frame: pd.DataFrame) -> bytes:
    """The CSV `poslink run` writes for these jane-json records, from the API's columns."""
    lines = [csv_line(header_cells(FIELDS))]
    for raw, pid, score, status, reason in zip(
        records,
        frame["jane_product_id"],
        frame["match_score"],
        frame["match_status"],
        frame["match_reason"],
        strict=True,
    ):
        found = Match(0, None if pd.isna(pid) else str(pid), score, Status(status), reason)
        cells = {f: raw.get(f) for f in FIELDS} if isinstance(raw, dict) else {}
        lines.append(csv_line(output_cells(FIELDS, cells, found)))
    return "".join(line + "\r\n" for line in lines).encode("utf-8")


def cli_and_api(pos: Path, catalog: Path, tmp_path: Path) -> tuple[bytes, bytes]:
    out = tmp_path / "cli.csv"
    result = run_cli("run", "--pos", pos, "--catalog", catalog, "--out", out, "-q")
    assert result.returncode == 0, result.stderr
    records = json.loads(pos.read_text(encoding="utf-8"))
    frame = pd.DataFrame(records)
    matched = poslink.match(frame, catalog=catalog)
    return out.read_bytes(), csv_of(records, matched)


def test_the_challenge_output_is_the_cli_output_byte_for_byte(
    challenge: Path, tmp_path: Path
) -> None:
    cli, api = cli_and_api(challenge / "pos/products.json", challenge / "db/jane.db", tmp_path)
    assert cli.count(b"\r\n") == 78  # header and 77 records
    assert b",matched,matcher\r\n" in cli
    assert api == cli


def test_a_generated_feed_gives_the_cli_output_byte_for_byte(kushy: Path, tmp_path: Path) -> None:
    work = generate(
        kushy, tmp_path / "w", n_products=4000, n_records=1500, seed=3, formats=("json",)
    )
    records = json.loads(work.pos_json.read_text(encoding="utf-8"))
    # Records a source rejects: the output row is the same, whatever the reason's wording.
    records[5]["productName"] = None
    records[9]["productName"] = "???"
    pos = tmp_path / "pos.json"
    pos.write_text(json.dumps(records), encoding="utf-8")
    cli, api = cli_and_api(pos, work.catalog, tmp_path)
    statuses = {line.rsplit(b",", 2)[-2] for line in cli.splitlines()[1:]}
    assert statuses >= {b"matched", b"no_match", b"rejected"}
    assert api == cli


def test_an_arrow_table_gets_the_same_decisions_as_a_dataframe(
    example: poslink.Matcher,
) -> None:
    records = json.loads((EXAMPLES / "jane/pos.json").read_text(encoding="utf-8"))
    frame = pd.DataFrame(records)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    from_frame = example.match_table(frame)
    from_table = example.match_table(table)
    assert isinstance(from_table, pa.Table)
    assert from_table.column_names == [*table.column_names, *MATCH_OUTPUT]
    assert from_table.column("jane_product_id").to_pylist() == [
        None if pd.isna(v) else str(v) for v in from_frame["jane_product_id"]
    ]
    assert from_table.column("match_status").to_pylist() == list(from_frame["match_status"])
    batch = example.match_table(table.to_batches()[0])
    assert isinstance(batch, pa.RecordBatch)
    assert batch.column(batch.schema.get_field_index("match_status")).to_pylist() == list(
        from_frame["match_status"]
    )


def test_match_table_adds_columns_in_row_order_and_leaves_the_input_alone(
    example: poslink.Matcher,
) -> None:
    frame = pd.DataFrame(
        {
            "title": ["Citrus Comet -1.0g- Sunny Valley", None, "!!!", 42],
            "kind": ["Usable Marijuana", "Usable Marijuana", "", None],
        },
        index=[10, 11, 12, 13],
    )
    before = frame.copy()
    out = example.match_table(frame, columns={"name": "title", "category": "kind"})
    pd.testing.assert_frame_equal(frame, before)
    assert list(out.index) == [10, 11, 12, 13]
    assert list(out["match_status"]) == ["matched", "rejected", "rejected", "rejected"]
    assert list(out["match_reason"][1:]) == [
        "title is missing",
        "title has no letters or digits",
        "title must be text, found a number",
    ]
    first = example.match_one("Citrus Comet -1.0g- Sunny Valley", "Usable Marijuana")
    assert out["jane_product_id"].iloc[0] == first.jane_product_id
    assert out["jane_product_id"].isna().tolist() == [False, True, True, True]
    again = example.match_table(out, columns={"name": "title", "category": "kind"})
    assert list(again.columns) == list(out.columns)  # replaced, not added twice


def test_a_table_without_a_name_column_is_refused_by_name(example: poslink.Matcher) -> None:
    with pytest.raises(ConfigError, match="no name column"):
        example.match_table(pd.DataFrame({"title": ["x"]}))
    with pytest.raises(ConfigError, match="'nom' is not a column"):
        example.match_table(pd.DataFrame({"title": ["x"]}), columns={"name": "nom"})
    with pytest.raises(ConfigError, match="unknown field"):
        example.match_table(pd.DataFrame({"name": ["x"]}), columns={"colour": "name"})
    with pytest.raises(TypeError, match="DataFrame"):
        example.match_table([{"name": "x"}])


def test_a_repeated_name_column_is_refused_and_labels_that_are_not_text_are_read(
    example: poslink.Matcher,
) -> None:
    name = "Citrus Comet -1.0g- Sunny Valley"
    twice = pd.DataFrame([[name, "x", "Usable Marijuana"]], columns=["name", "name", "kind"])
    with pytest.raises(ConfigError, match="more than one column named 'name'"):
        example.match_table(twice)
    table = pa.Table.from_arrays([pa.array([name]), pa.array(["x"])], names=["name", "name"])
    with pytest.raises(ConfigError, match="more than one column named 'name'"):
        example.match_table(table)
    # A repeated column poslink does not read is no problem.
    other = pd.DataFrame([[name, 1, 2]], columns=["name", "qty", "qty"])
    assert list(example.match_table(other)["match_status"]) == ["ambiguous"]
    numbered = pd.DataFrame({0: [name], 1: ["Usable Marijuana"]})
    out = example.match_table(numbered, columns={"name": "0", "category": "1"})
    assert list(out["jane_product_id"]) == ["5105"]


TABLE_KINDS = {
    "DataFrame": lambda data, names: pd.DataFrame(dict(enumerate(data))).set_axis(names, axis=1),
    "Table": lambda data, names: pa.Table.from_arrays([pa.array(c) for c in data], names=names),
    "RecordBatch": lambda data, names: pa.RecordBatch.from_arrays(
        [pa.array(c) for c in data], names=names
    ),
}


@pytest.mark.parametrize("kind", TABLE_KINDS)
def test_match_columns_already_there_stay_in_place(example: poslink.Matcher, kind: str) -> None:
    names = ["match_status", "name", "match_score", "kind", "jane_product_id", "match_reason"]
    data = [
        ["old"],
        ["Citrus Comet -1.0g- Sunny Valley"],
        [0.5],
        ["Usable Marijuana"],
        ["1"],
        ["x"],
    ]
    out = example.match_table(TABLE_KINDS[kind](data, names), columns={"category": "kind"})
    assert (type(out).__name__, column_names(out)) == (kind, names)
    frame = out if isinstance(out, pd.DataFrame) else out.to_pandas()
    assert list(frame["match_status"]) == ["matched"]
    assert list(frame["jane_product_id"]) == ["5105"]


@pytest.mark.parametrize("kind", TABLE_KINDS)
def test_a_repeated_match_column_is_refused_by_name(example: poslink.Matcher, kind: str) -> None:
    # Which of two match_score columns the score goes to, a user cannot tell: neither, then.
    names = ["name", "match_score", "match_score"]
    table = TABLE_KINDS[kind]([["Citrus Comet -1.0g- Sunny Valley"], [0.1], [0.2]], names)
    with pytest.raises(ConfigError, match="more than one column named 'match_score'"):
        example.match_table(table)


def test_match_one_takes_the_structured_fields(tmp_path: Path) -> None:
    catalog = make_catalog(
        tmp_path / "c.db",
        [
            (1, "1g", "Moon Farms", "Indica", "Velvet Moon", "flower", ""),
            (2, "1g", "Moon Farms", "Sativa", "Velvet Moon", "flower", ""),
        ],
    )
    matcher = poslink.Matcher.from_catalog(catalog)
    # One name, form and size twice (the lineage fields aside): the first listed...
    first = matcher.match_one("Velvet Moon", "Flower", brand="Moon Farms")
    assert (first.jane_product_id, first.status) == ("1", Status.MATCHED)
    assert "catalog duplicates" in first.reason
    # ... unless the record's lineage field tells them apart.
    found = matcher.match_one("Velvet Moon", "Flower", brand="Moon Farms", lineage="Sativa")
    assert (found.jane_product_id, found.status) == ("2", Status.MATCHED)
    assert matcher.match_one("").status is Status.REJECTED


def test_a_row_of_a_dataframe_is_matched_as_its_table_row_is(example: poslink.Matcher) -> None:
    frame = pd.DataFrame(
        {
            "name": ["Citrus Comet -1.0g- Sunny Valley"],
            "category": ["Usable Marijuana"],
            "brand": [float("nan")],  # an empty column read_csv gives: no brand, not "nan"
            "product_type": [7],
            "weight": [1.0],
        }
    )
    row: dict[str, Any] = frame.to_dict("records")[0]
    assert isinstance(row["brand"], float)
    expected = example.match_table(frame)
    for found in (example.match_one(**row), example.match_records([row])[0]):
        assert (found.jane_product_id, found.status.value, found.reason) == (
            expected["jane_product_id"].iloc[0],
            expected["match_status"].iloc[0],
            expected["match_reason"].iloc[0],
        )
    assert expected["jane_product_id"].iloc[0] == "5105"
    assert example.explain(**row).match.jane_product_id == "5105"


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA, pd.NaT], ids=repr)
def test_a_missing_name_is_missing_in_every_call(example: poslink.Matcher, missing: Any) -> None:
    # pandas' NA (a nullable column's gap) says what the same gap says in a table's row.
    frame = pd.DataFrame({"name": pd.Series([missing], dtype=object)})
    assert list(example.match_table(frame)["match_reason"]) == ["name is missing"]
    for found in (example.match_one(missing), example.match_records([{"name": missing}])[0]):
        assert (found.status, found.reason) == (Status.REJECTED, "name is missing")


def test_a_missing_field_is_no_value_whatever_its_kind(example: poslink.Matcher) -> None:
    name = "Citrus Comet -1.0g- Sunny Valley"
    plain = example.match_one(name)
    for missing in (None, float("nan"), pd.NA, pd.NaT):
        row: dict[str, Any] = {
            "name": name,
            "category": missing,
            "brand": missing,
            "weight": missing,
        }
        for found in (example.match_one(**row), example.match_records([row])[0]):
            assert (found.jane_product_id, found.reason) == (plain.jane_product_id, plain.reason)


def test_a_saved_index_loads_to_the_same_decisions(
    example: poslink.Matcher, tmp_path: Path
) -> None:
    saved = tmp_path / "index.json"
    example.save(saved)
    loaded = poslink.Matcher.load(saved, catalog=CATALOG)
    assert loaded.catalog_version == example.catalog_version
    frame = pd.DataFrame(json.loads((EXAMPLES / "jane/pos.json").read_text(encoding="utf-8")))
    pd.testing.assert_frame_equal(loaded.match_table(frame), example.match_table(frame))


def test_a_saved_index_is_checked_against_a_catalog_under_other_names(tmp_path: Path) -> None:
    renamed = tmp_path / "renamed.db"
    renamed.write_bytes(CATALOG.read_bytes())
    with sqlite3.connect(renamed) as db:
        db.execute("ALTER TABLE products RENAME TO items")
        db.execute("ALTER TABLE items RENAME COLUMN name TO title")
    columns = {"name": "title"}
    built = poslink.Matcher.from_catalog(renamed, table="items", columns=columns)
    built.save(tmp_path / "index.json")
    index = tmp_path / "index.json"
    loaded = poslink.Matcher.load(index, catalog=renamed, table="items", columns=columns)
    assert loaded.catalog_version == built.catalog_version
    with pytest.raises(poslink.CatalogError, match="no table 'products'"):
        poslink.Matcher.load(tmp_path / "index.json", catalog=renamed)


def test_match_in_one_call_reads_a_catalog_under_other_names(
    example: poslink.Matcher, tmp_path: Path
) -> None:
    renamed = renamed_catalog(tmp_path / "renamed.db", CATALOG)
    names = {"id": "product_id", "name": "title"}
    frame = pd.DataFrame(json.loads((EXAMPLES / "jane/pos.json").read_text(encoding="utf-8")))
    got = poslink.match(frame, catalog=renamed, catalog_table="catalog_items",
                        catalog_columns=names)  # fmt: skip
    pd.testing.assert_frame_equal(got, example.match_table(frame))
    example.save(tmp_path / "index.json")
    checked = poslink.match(frame, index=tmp_path / "index.json", catalog=renamed,
                            catalog_table="catalog_items", catalog_columns=names)  # fmt: skip
    pd.testing.assert_frame_equal(checked, got)


def test_a_saved_index_of_another_catalog_is_refused(
    example: poslink.Matcher, tmp_path: Path
) -> None:
    saved = tmp_path / "index.json"
    example.save(saved)
    changed = tmp_path / "catalog.db"
    changed.write_bytes(CATALOG.read_bytes())
    con = sqlite3.connect(changed)
    con.execute("UPDATE products SET name = name || ' x' WHERE id = (SELECT min(id) FROM products)")
    con.commit()
    con.close()
    with pytest.raises(InputError, match="catalog has changed"):
        poslink.Matcher.load(saved, catalog=changed)


def test_explain_shows_the_candidates_and_the_decision_of_match_one(
    example: poslink.Matcher,
) -> None:
    name, category = "Citrus Comet Sunny Valley", "Usable Marijuana"
    explained = example.explain(name, category, top=3)
    assert explained.match == example.match_one(name, category)
    assert explained.parsed["core"] == "citrus comet"
    assert explained.origins["brand"].startswith("name")
    assert 1 <= len(explained.candidates) <= 3
    assert explained.candidates[0].id == explained.match.jane_product_id
    text = str(explained)
    assert "citrus comet" in text and text.splitlines()[-1].startswith("decision: matched")
    data = json.loads(json.dumps(explained.as_dict()))
    assert data["match"]["status"] == "matched"
    assert example.explain("???").candidates == ()


def test_explain_says_how_much_of_each_candidate_the_record_names(
    example: poslink.Matcher,
) -> None:
    whole = example.explain("Citrus Comet Sunny Valley", "Usable Marijuana").candidates[0]
    assert whole.covered == 1.0
    # "Maple Kush" names two of the three words of "maple kush #7" and "#9"; the numbers veto
    # both, and a vetoed candidate still shows how much of it the record names.
    explained = example.explain("Sunny Valley Maple Kush 3.5g", "Flower", top=3)
    part = explained.candidates
    assert len(part) == 2
    assert all(
        c.veto.startswith("number") and c.covered == pytest.approx(2 / 3, abs=1e-3) for c in part
    )
    assert "names 67% of it" in str(explained)
    assert json.loads(json.dumps(explained.as_dict()))["candidates"][0]["covered"] > 0


def _overriding_9001(tmp_path: Path) -> poslink.Matcher:
    """A matcher whose decision store says POS id 9001 is in no catalog product."""
    store = str(tmp_path / "decisions.db")
    first = run_cli("override", "add", "--decisions", store, "--pos-id", "9001", "--id", "none")
    assert first.returncode == 0, first.stderr
    return poslink.Matcher.from_catalog(CATALOG, decisions=store)


def test_overrides_of_a_decision_store_apply(tmp_path: Path) -> None:
    matcher = _overriding_9001(tmp_path)
    name, category = "Citrus Comet -1.0g- Sunny Valley", "Usable Marijuana"
    assert matcher.match_one(name, category).status is Status.MATCHED
    overridden = matcher.match_one(name, category, pos_id=9001)
    assert (overridden.jane_product_id, overridden.status) == (None, Status.NO_MATCH)
    assert overridden.reason == "override by pos_id"
    assert matcher.match_one(name, category, pos_id=9001, source="csv").status is Status.MATCHED
    frame = pd.DataFrame(
        {"productId": [9001, 9002], "productName": [name, name], "category": [category] * 2}
    )
    out = matcher.match_table(frame)
    assert list(out["match_status"]) == ["no_match", "matched"]
    assert math.isclose(out["match_score"].iloc[0], 1.0)


def test_an_id_column_pandas_made_float_finds_its_override(tmp_path: Path) -> None:
    matcher = _overriding_9001(tmp_path)
    name, category = "Citrus Comet -1.0g- Sunny Valley", "Usable Marijuana"
    # An id missing from one row makes the column float64: 9001 is read as 9001.0.
    frame = pd.DataFrame(
        {"productId": [9001, None], "productName": [name, name], "category": [category] * 2}
    )
    assert frame["productId"].dtype == "float64"
    out = matcher.match_table(frame)
    assert list(out["match_reason"].iloc[:1]) == ["override by pos_id"]
    assert list(out["match_status"]) == ["no_match", "matched"]


def test_match_needs_a_catalog_or_an_index() -> None:
    with pytest.raises(TypeError, match="catalog="):
        poslink.match(pd.DataFrame({"name": ["x"]}))


def test_the_public_api_is_exported() -> None:
    for name in ("Matcher", "match", "Explanation", "ExplainedCandidate", "StoredOverrides"):
        assert name in poslink.__all__
        assert getattr(poslink, name) is not None
    assert poslink.Matcher.__module__ == "poslink.api"  # the facade, not matching.Matcher


def test_every_public_name_is_loaded_on_first_use() -> None:
    # In a fresh interpreter: the package's names wait for their first use, so that the
    # command's entry point imports nothing heavy before it can handle a Ctrl-C.
    code = (
        "import sys, poslink, poslink.entry\n"
        "assert 'poslink.api' not in sys.modules and 'poslink.config' not in sys.modules\n"
        "assert set(poslink.__all__) <= set(dir(poslink))\n"
        "for name in poslink.__all__:\n"
        "    value = getattr(poslink, name)\n"
        "    assert getattr(sys.modules[value.__module__], name) is value, name\n"
        "try:\n    poslink.nothing_of_that_name\nexcept AttributeError as exc:\n"
        "    print(exc)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "module 'poslink' has no attribute 'nothing_of_that_name'"


def _names_the_type_checker_refuses() -> None:
    """Never run: checked by ``mypy --strict`` with the rest of the tests (``make lint``).

    The package loads its names on first use; a type checker still knows which it has, so a
    misspelt one is an error (an ignore that silenced nothing would fail the check).
    """
    print(poslink.Matcher, poslink.PosRecord)
    print(poslink.Matchr)  # type: ignore[attr-defined]
    from poslink import Sourse  # type: ignore[attr-defined]  # noqa: F401
