"""Catalog ids are text end to end (catalog, store, output); overrides name ids the catalog has;
every output decision says where it came from. What the store and the outputs hold is under
test, not the process: the commands run in the test's process (``poslink_here``)."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from helpers import poslink_here, storehelp
from helpers.storehelp import catalog_rows
from poslink.store import schema
from poslink.store.db import DecisionStore
from poslink.store.review import read_decisions


def text_id_catalog(path: Path) -> Path:
    """The example catalog with ids such as ``J5001`` (a text id column)."""
    con = sqlite3.connect(path)
    con.execute(
        "CREATE TABLE products (id text primary key, amount text, brand text, lineage text,"
        " name text not null, product_type text, product_subtype text)"
    )
    con.executemany(
        "INSERT INTO products VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(f"J{r[0]}", *r[1:]) for r in catalog_rows()],
    )
    con.commit()
    con.close()
    return path


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def run(catalog: Path | str, out: Path, *extra: str | Path) -> str:
    result = poslink_here("run", "--pos", storehelp.EXAMPLE_POS, "--catalog", catalog,
                          "--out", out, *extra)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stderr


def test_text_ids_match_as_numeric_ids_do(tmp_path: Path, decisions: str) -> None:
    run(storehelp.EXAMPLE_CATALOG, tmp_path / "numeric.csv")
    run(text_id_catalog(tmp_path / "c.db"), tmp_path / "text.csv", "--decisions", decisions)
    numeric, text = rows(tmp_path / "numeric.csv"), rows(tmp_path / "text.csv")
    assert [f"J{r['jane_product_id']}" if r["jane_product_id"] else "" for r in numeric] == [
        r["jane_product_id"] for r in text
    ]
    assert sum(r["jane_product_id"].startswith("J") for r in text) == 20
    with DecisionStore(decisions) as store:
        stored = {d["jane_product_id"] for d in store.decisions()} - {None}
    assert stored and all(isinstance(i, str) and i.startswith("J") for i in stored)


def test_each_decision_says_where_it_came_from(tmp_path: Path) -> None:
    decisions = str(tmp_path / "d.db")
    run(storehelp.EXAMPLE_CATALOG, tmp_path / "1.csv", "--decisions", decisions)
    first = rows(tmp_path / "1.csv")
    unmatched = next(r["productId"] for r in first if r["match_status"] == "no_match")
    added = poslink_here("override", "add", "--decisions", decisions, "--pos-id", unmatched,
                         "--id", "5101", "--catalog", storehelp.EXAMPLE_CATALOG)  # fmt: skip
    assert added.returncode == 0, added.stderr
    run(storehelp.EXAMPLE_CATALOG, tmp_path / "2.csv", "--decisions", decisions)
    second = {r["productId"]: r for r in rows(tmp_path / "2.csv")}
    assert {r["match_source"] for r in first} == {"matcher", ""}
    assert second[unmatched]["match_source"] == "override"
    others = {r["match_source"] for p, r in second.items() if p != unmatched}
    assert others == {"reused", ""}  # "": the rejected record, which got no decision


def test_an_override_to_an_id_the_catalog_lost_is_refused(tmp_path: Path) -> None:
    decisions = str(tmp_path / "d.db")
    run(storehelp.EXAMPLE_CATALOG, tmp_path / "1.csv", "--decisions", decisions)
    matched = next(r for r in rows(tmp_path / "1.csv") if r["match_status"] == "matched")
    added = poslink_here("override", "add", "--decisions", decisions, "--pos-id",
                         matched["productId"], "--id", "5101", "--catalog",
                         storehelp.EXAMPLE_CATALOG)  # fmt: skip
    assert added.returncode == 0, added.stderr
    # The catalog drops product 5101: the override now names an id it does not have.
    smaller = tmp_path / "smaller.db"
    with sqlite3.connect(storehelp.EXAMPLE_CATALOG) as src, sqlite3.connect(smaller) as dst:
        src.backup(dst)
        dst.execute("DELETE FROM products WHERE id = 5101")
    warned = run(smaller, tmp_path / "2.csv", "--decisions", decisions)
    assert "5101 is not in the catalog" in warned and "refused" in warned
    got = next(r for r in rows(tmp_path / "2.csv") if r["productId"] == matched["productId"])
    assert (got["jane_product_id"], got["match_status"], got["match_source"]) == (
        "",
        "no_match",
        "override",
    )


def test_override_add_refuses_an_id_not_in_the_catalog(tmp_path: Path) -> None:
    store = str(tmp_path / "d.db")
    missing = poslink_here("override", "add", "--decisions", store, "--pos-id", "1", "--id", "J1")
    assert missing.returncode == 2 and "give --catalog" in missing.stderr
    unknown = poslink_here("override", "add", "--decisions", store, "--pos-id", "1",
                           "--id", "J1", "--catalog", storehelp.EXAMPLE_CATALOG)  # fmt: skip
    assert unknown.returncode == 2 and "J1 is not in" in unknown.stderr
    text = text_id_catalog(tmp_path / "c.db")
    known = poslink_here("override", "add", "--decisions", store, "--pos-id", "9001",
                         "--id", "J5002", "--catalog", text)  # fmt: skip
    assert known.returncode == 0, known.stderr
    run(text, tmp_path / "o.csv", "--decisions", store)
    row = next(r for r in rows(tmp_path / "o.csv") if r["productId"] == "9001")
    assert (row["jane_product_id"], row["match_source"]) == ("J5002", "override")


def schema_1(location: str) -> None:
    """A decision store as poslink made it at schema 1: integer catalog ids."""
    old = sa.MetaData()
    for table in schema.metadata.tables.values():
        copied = table.to_metadata(old)
        if "jane_product_id" in copied.c:
            copied.c.jane_product_id.type = sa.BigInteger()
    engine = sa.create_engine(location)
    with engine.begin() as con:
        old.create_all(con)
        con.execute(sa.insert(old.tables["poslink_meta"]), [{"name": "schema_version",
                                                             "value": "1"}])  # fmt: skip
        con.execute(sa.insert(old.tables["poslink_overrides"]), [
            {"source": "jane-json", "key_kind": "pos_id", "key": "9003",
             "jane_product_id": 5101, "note": "", "created_at": "2024-01-01"},
            {"source": "jane-json", "key_kind": "pos_id", "key": "9004",
             "jane_product_id": None, "note": "", "created_at": "2024-01-01"},
        ])  # fmt: skip
        row: dict[str, Any] = {
            "source": "jane-json", "store": "pos.json", "pos_id": "9001", "fingerprint": "f",
            "record": "{}", "rules": "old", "brands": "b", "catalog_version": "v",
            "brand_key": None, "jane_product_id": 5001, "score": 1.0, "status": "matched",
            "reason": "", "run_id": 1,
        }  # fmt: skip
        con.execute(sa.insert(old.tables["poslink_decisions"]), [row])
    engine.dispose()


def test_a_schema_1_store_is_migrated_and_keeps_working(tmp_path: Path, decisions: str) -> None:
    url = decisions if "://" in decisions else f"sqlite:///{decisions}"
    schema_1(url)
    with DecisionStore(decisions) as store:
        overrides = {o.key: o.jane_product_id for o in store.list_overrides()}
        stored = store.decisions()
        with store.engine.connect() as con:
            version = con.execute(sa.text("SELECT value FROM poslink_meta")).scalar()
    assert version == schema.SCHEMA_VERSION == "2"
    assert overrides == {"9003": "5101", "9004": None}
    assert [(d["pos_id"], d["jane_product_id"]) for d in stored] == [("9001", "5001")]
    run(storehelp.EXAMPLE_CATALOG, tmp_path / "o.csv", "--decisions", decisions)
    got = {r["productId"]: r for r in rows(tmp_path / "o.csv")}
    assert (got["9003"]["jane_product_id"], got["9003"]["match_source"]) == ("5101", "override")
    DecisionStore(decisions).close()  # opening it again: already at schema 2


def test_ids_keep_leading_zeros(tmp_path: Path) -> None:
    """An id such as 00123 is not the number 123: the store keeps it as written."""
    from poslink.store.overrides import Override

    store = str(tmp_path / "d.db")
    with DecisionStore(store) as opened:
        opened.add_overrides([Override("jane-json", "pos_id", "1", "00123")])
        assert opened.list_overrides()[0].jane_product_id == "00123"
    con = sqlite3.connect(store)
    declared = {r[1]: r[2] for r in con.execute("PRAGMA table_info(poslink_overrides)")}
    con.close()
    assert declared["jane_product_id"] == "TEXT"


def test_a_review_decision_copied_from_a_quoted_candidate_id_is_that_id(tmp_path: Path) -> None:
    # The export quotes a cell a spreadsheet would run ('=7-1); copied into the decision
    # column, it is the catalog id it quotes, as the quoted pos_id is that POS id.
    review = tmp_path / "review.csv"
    with review.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source", "pos_id", "name", "cand1_id", "decision"])
        writer.writerow(["jane-json", "'=12", "Odd One", "'=7-1", "'=7-1"])
    found, blank = read_decisions(review, known_ids={"=7-1"})
    assert blank == 0
    assert [(o.key, o.jane_product_id) for o in found] == [("=12", "=7-1")]
