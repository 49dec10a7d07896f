"""Catalog gaps (``poslink gaps``), catalog duplicates, the catalog search, and the console's
actions on a PostgreSQL decision store and catalog. The commands run in the test's process
(``poslink_here``): what they find and write is under test, not the process."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from helpers import SHARED, make_catalog, poslink_here, products, storehelp
from helpers.consolehelp import CATALOG, demo
from helpers.pgserver import PgServer
from helpers.storehelp import copy_catalog_to_postgres
from poslink.console.search import CatalogSearch
from poslink.console.workbench import Settings, Workbench
from poslink.matching import CatalogIndex
from poslink.matching.duplicates import duplicate_groups
from poslink.store.db import DecisionStore
from poslink.store.knowledge import entries


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_gaps_cluster_listings_across_stores(tmp_path: Path) -> None:
    made = demo(tmp_path / "demo")
    out = tmp_path / "proposals.csv"
    result = poslink_here(
        "gaps", "--decisions", made.decisions, "--catalog", made.catalog, "--out", out
    )
    assert result.returncode == 0, result.stderr
    rows = read(out)
    first = rows[0]
    # Moonrise Farms' Blue Dream is carried by both stores: it ranks first. (The feed has no
    # brand field and the catalog does not know the brand: it stays in the name.)
    assert (first["rank"], first["brand"], first["name"]) == (
        "1",
        "",
        "moonrise farms blue dream",
    )
    assert (first["stores"], first["listings"], first["sizes"]) == ("2", "2", "3.5g")
    assert first["product_type"] == "flower"
    assert "Moonrise Farms | Blue Dream 3.5g (north)" in first["examples"]
    assert [r["name"] for r in rows[1:]] == ["nova glow citrus haze cart"]
    assert "2 proposed products from 3 listings" in result.stdout
    table = pq.read_table(
        poslink_parquet(made.decisions, made.catalog, tmp_path / "proposals.parquet")
    )
    assert table.column("brand").to_pylist() == [r["brand"] for r in rows]
    assert table.column("stores").to_pylist() == [2, 1]


def poslink_parquet(decisions: str, catalog: Path, out: Path) -> Path:
    result = poslink_here("gaps", "--decisions", decisions, "--catalog", catalog, "--out", out)
    assert result.returncode == 0, result.stderr
    return out


def test_gaps_on_the_real_menus_list_products_with_store_counts(tmp_path: Path) -> None:
    menus = SHARED / "menus-nm"
    assert menus.exists(), f"reference data missing: {menus}"
    decisions = str(tmp_path / "d.db")
    for name in ("a", "b"):  # the export as two stores' feeds: products carried by both
        result = poslink_here(
            "run", "--pos", menus / "pos/products.json", "--catalog", menus / "catalog.db",
            "--out", tmp_path / f"{name}.csv", "--decisions", decisions, "--store-id", name,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
    out = tmp_path / "proposals.csv"
    result = poslink_here(
        "gaps", "--decisions", decisions, "--catalog", menus / "catalog.db", "--out", out
    )
    assert result.returncode == 0, result.stderr
    rows = read(out)
    assert len(rows) > 1000
    assert {r["stores"] for r in rows} == {"2"}
    listings = [int(r["listings"]) for r in rows]
    assert listings[0] >= 10 and listings == sorted(listings, reverse=True)
    assert all(r["name"] and r["examples"] for r in rows[:50])


def test_duplicates_fold_punctuation_and_size_notes_but_keep_sizes_apart() -> None:
    found = duplicate_groups(
        CatalogIndex.build(
            products(
                [
                    (1, "", "Wyld", "", "Marionberry Gummies 100mg", "edible", ""),
                    (2, "", "WYLD", "", "marionberry gummies | 100mg", "edible", ""),
                    (3, "", "Wyld", "", "marionberry gummies", "edible", ""),
                    (4, "", "Wyld", "", "marionberry gummies 200mg", "edible", ""),
                    (5, "", "Fireflower", "", "super boof (1g)", "flower", ""),
                    (6, "", "Fireflower", "", "super boof (3.5g)", "flower", ""),
                    (7, "", "Fireflower", "", "super boof (3.5g)", "pre-roll", ""),
                    (8, "", "Other", "", "marionberry gummies 100mg", "edible", ""),
                ]
            )
        )
    )
    assert [[p.id for p in g] for g in found] == [["1", "2"]]


# Two listings of one brand (invented names), their type, and whether they are one product:
# what the matcher vetoes on tells listings apart, even under one core name.
PAIRS = [
    ("ratio 1:1 vs none", "1:1 Comet Peach Gummies", "Comet Peach Gummies", "edible", False),
    ("CBD vs THC", "Comet Peach CBD Gummies", "Comet Peach THC Gummies", "edible", False),
    ("strain number", "Tidal Haze #4 (3.5g)", "Tidal Haze #7 (3.5g)", "flower", False),
    ("punctuation", "Comet Peach Gummies 100mg", "comet peach gummies | 100mg", "edible", True),
    ("punctuation, size", "Tidal Haze #4 (3.5g)", "tidal haze #4 - 3.5g", "flower", True),
]


@pytest.mark.parametrize(
    ("first", "second", "ptype", "grouped"), [p[1:] for p in PAIRS], ids=[p[0] for p in PAIRS]
)
def test_duplicates_are_listings_no_veto_tells_apart(
    first: str, second: str, ptype: str, grouped: bool
) -> None:
    rows = [
        (1, "", "Lumen Grove", "", first, ptype, ""),
        (2, "", "Lumen Grove", "", second, ptype, ""),
    ]
    found = duplicate_groups(CatalogIndex.build(products(rows)))
    assert [[p.id for p in g] for g in found] == ([["1", "2"]] if grouped else [])


def test_the_search_finds_brand_and_name_by_trigrams() -> None:
    search = CatalogSearch(products(CATALOG))
    assert search.kind == "fts5"
    assert [p.id for p in search.search("comet lunar")] == ["7201", "7202"]
    assert search.search("granddady purp")[0].id == "7102"  # misspelt, abbreviated
    assert [p.id for p in search.search("daddy choc")] == ["7003"]
    assert search.search("   ") == []
    # FTS5 syntax from a user is text, not a query.
    assert search.search('lunar" OR "x') == search.search("lunar x")


def test_the_console_on_postgresql(tmp_path: Path, postgres: PgServer, pg_database: str) -> None:
    """A PostgreSQL decision store (decide, teach, undo) and catalog (pg_trgm search)."""
    catalog = make_catalog(tmp_path / "catalog.db", CATALOG)
    made = demo(tmp_path / "demo", decisions=pg_database)
    name = f"cat_{pg_database.rsplit('/', 1)[1]}"
    catalog_db = postgres.create_database(name)
    with postgres.connect(name) as con:
        copy_catalog_to_postgres(storehelp.catalog_rows(catalog), con)
        con.execute("CREATE EXTENSION pg_trgm")
    bench = Workbench(Settings(made.decisions, catalog_db))
    try:
        assert bench.search.kind == "pg_trgm"
        assert [p.id for p in bench.search.search("comet lunar")] == ["7201", "7202"]
        group = next(g for g in bench.queue.groups if g.title.startswith("Daddy Gelato"))
        audit_id = bench.decide("ada", group, "7001")
        ((proposal, source, _),) = bench.pending[audit_id].proposals
        assert (proposal.text, proposal.target) == ("daddy", "Big Daddy Edibles")
        bench.teach("ada", audit_id, {proposal.key: ("source", source)})
        with DecisionStore(made.decisions) as db:
            assert {o.answer for o in db.list_overrides()} == {"7001"}
            assert [e.lesson.text for e in entries(db)] == ["daddy"]
        assert bench.undo("ada") is not None  # the lesson
        assert bench.undo("ada") is not None  # the decision
        with DecisionStore(made.decisions) as db:
            assert db.list_overrides() == [] and entries(db) == []
        assert group in bench.queue.groups
    finally:
        bench.close()
