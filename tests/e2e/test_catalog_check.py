"""``poslink catalog check``: the products a catalog lists twice, as the matcher sees them."""

from __future__ import annotations

import csv
from pathlib import Path

from helpers import EXAMPLES, make_catalog, poslink, poslink_here
from helpers.catalogs import RENAMED, renamed_catalog

# (id, amount, brand, lineage, name, type, subtype): invented for this test.
CATALOG = [
    (11, "", "Lotus Labs", "", "mango gummies 100mg", "edible", "Candies"),
    (12, "", "Lotus Labs", "indica", "Mango Gummies | 100mg", "edible", "Candies"),
    (13, "", "Lotus Labs", "", "mango gummies 200mg", "edible", "Candies"),
    (21, "", "Ridge Farms", "", "blue dream (1g)", "flower", ""),
    (22, "", "Ridge Farms", "", "blue dream (3.5g)", "flower", ""),
    (23, "", "Ridge Farms", "", "blue dream preroll (1g)", "pre-roll", "Pre-Rolls"),
    (24, "", "Ridge Farms", "", "Blue Dream - 1g", "flower", ""),
    (31, "", "Other Co", "", "mango gummies 100mg", "edible", "Candies"),
]


def test_duplicates_are_listed_with_the_one_a_record_gets(tmp_path: Path) -> None:
    catalog = make_catalog(tmp_path / "catalog.db", CATALOG)
    out = tmp_path / "dups.csv"
    result = poslink("catalog", "check", "--catalog", catalog, "--out", out)
    assert result.returncode == 0, result.stderr
    assert "2 groups of suspected duplicates (4 products of 8)" in result.stdout
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    # Punctuation and a size note apart: one product. Another size, form or brand: another.
    assert [(r["group"], r["id"], r["given"]) for r in rows] == [
        ("1", "11", "True"),
        ("1", "12", "False"),
        ("2", "21", "True"),
        ("2", "24", "False"),
    ]
    pos = tmp_path / "pos.json"
    pos.write_text(
        '[{"category": "Edibles", "productId": 1, "productName": "Lotus Labs Mango Gummies'
        ' 100mg", "quantityAvailable": 3}]',
        encoding="utf-8",
    )
    matched = tmp_path / "out.csv"
    done = poslink("run", "--pos", pos, "--catalog", catalog, "--out", matched, "-q")
    assert done.returncode == 0, done.stderr
    with matched.open(newline="", encoding="utf-8") as handle:
        assert next(csv.DictReader(handle))["jane_product_id"] == "11"  # the first listed


def test_the_example_catalog_lists_only_its_one_duplicate(tmp_path: Path) -> None:
    out = tmp_path / "dups.csv"
    result = poslink("catalog", "check", "--catalog", EXAMPLES / "jane/catalog.db", "--out", out)
    assert result.returncode == 0, result.stderr
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    # River Rock Rosin, listed twice; "1:1 wild cherry gummies" is not the THC "wild cherry
    # gummies" (the matcher vetoes it on the ratio).
    assert [(r["group"], r["name"]) for r in rows] == [("1", "river rock rosin")] * 2


def test_a_catalog_that_cannot_be_read_is_one_line(tmp_path: Path) -> None:
    result = poslink(
        "catalog", "check", "--catalog", tmp_path / "none.db", "--out", tmp_path / "d.csv"
    )
    assert result.returncode != 0 and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "d.csv").exists()


def test_a_catalog_in_another_table_is_read_as_run_reads_it(tmp_path: Path) -> None:
    # Every command that reads a catalog takes --catalog-table and --catalog-column as `run`
    # does: `catalog check`, `explain`, and the overrides and reviews checked against it.
    # The options each command takes, not the process: the commands run in this one (nine
    # processes took 8 to 11 s).
    plain = make_catalog(tmp_path / "plain.db", CATALOG)
    renamed = renamed_catalog(tmp_path / "renamed.db", plain)
    where: list[str | Path] = ["--catalog", renamed, *RENAMED]
    checked = poslink_here("catalog", "check", *where, "--out", tmp_path / "dups.csv")
    assert checked.returncode == 0, checked.stderr
    assert "2 groups of suspected duplicates (4 products of 8)" in checked.stdout
    explained = poslink_here(
        "explain", "Lotus Labs Mango Gummies 100mg", *where, env={"COLUMNS": "200"}
    )
    assert explained.returncode == 0, explained.stderr
    assert "decision: matched 11 " in explained.stdout
    # Without them, the products table the file does not have is named.
    missing = poslink_here("catalog", "check", "--catalog", renamed, "--out", tmp_path / "x.csv")
    assert missing.returncode == 3 and "no table 'products'" in missing.stderr
    bad = poslink_here("explain", "x1", "--catalog", renamed, "--catalog-column", "name")
    assert bad.returncode == 2 and "expected NAME=COLUMN" in bad.stderr
    store = tmp_path / "decisions.db"
    added = poslink_here(
        "override", "add", "--decisions", store, "--pos-id", "p1", "--id", "11", *where
    )
    assert added.returncode == 0, added.stderr
    unknown = poslink_here("override", "add", "--decisions", store, "--pos-id", "p2",
                           "--id", "99", *where)  # fmt: skip
    assert unknown.returncode == 2 and "catalog id 99 is not in" in unknown.stderr
    alone = poslink_here("override", "add", "--decisions", store, "--pos-id", "p2",
                         "--id", "none", "--catalog-table", "catalog_items")  # fmt: skip
    assert alone.returncode == 2 and "give it" in alone.stderr  # the table of which catalog?
    pos = tmp_path / "pos.json"
    pos.write_text('[{"productId": "p3", "productName": "Lotus Labs Gummies"}]', encoding="utf-8")
    ran = poslink_here(
        "run", "--pos", pos, "--out", tmp_path / "o.csv", "--decisions", store, *where
    )
    assert ran.returncode == 0, ran.stderr
    review = tmp_path / "review.csv"
    exported = poslink_here("review", "export", "--decisions", store, *where, "--out", review)
    assert exported.returncode == 0, exported.stderr
    assert "records to review" in exported.stdout and review.is_file()
