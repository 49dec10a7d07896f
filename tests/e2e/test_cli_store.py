"""End to end: runs with a decision store, overrides, review; through the installed ``poslink``,
or its command line in this process where the store, not the process, is under test."""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest

from helpers import Runner, poslink, poslink_here, storehelp
from helpers.storehelp import read_feed

POS, CATALOG = storehelp.EXAMPLE_POS, storehelp.EXAMPLE_CATALOG


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def by_id(path: Path) -> dict[str, dict[str, str]]:
    return {r["productId"]: r for r in rows(path)}


def run(out: Path, decisions: str, command: Runner = poslink) -> str:
    result = command(
        "run", "--pos", POS, "--catalog", CATALOG, "--out", out, "--decisions", decisions
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def ok(*args: str | Path, command: Runner = poslink) -> str:
    result = command(*args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def fails(*args: str | Path, code: int = 2, command: Runner = poslink) -> str:
    result = command(*args)
    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    return result.stderr


# The same in this process (``poslink_here``), for the tests of what the store keeps between
# commands and of the commands' own refusals: not of the process, which took most of their
# time (a second for each of five to nine commands). The store is opened anew by each command.
run_here = partial(run, command=poslink_here)
ok_here = partial(ok, command=poslink_here)
fails_here = partial(fails, command=poslink_here)


def test_run_summary_says_what_was_reused(tmp_path: Path) -> None:
    decisions = str(tmp_path / "d.db")
    assert "0 decisions reused" in run(tmp_path / "1.csv", decisions)
    again = run(tmp_path / "2.csv", decisions)
    assert "28 decisions reused" in again and "earlier output reused" in again
    # The store's record of each run says the same (the rejected record is no decision).
    with sqlite3.connect(decisions) as con:
        rows = con.execute("SELECT records, reused FROM poslink_runs ORDER BY id").fetchall()
    assert rows == [(29, 0), (29, 28)]


def test_override_round_trip(tmp_path: Path, decisions: str) -> None:
    feed = {str(r["productId"]): r for r in read_feed()}
    run_here(tmp_path / "0.csv", decisions)
    base = by_id(tmp_path / "0.csv")
    unmatched = next(p for p, r in base.items() if r["match_status"] == "no_match")
    matched = next(p for p, r in base.items() if r["match_status"] == "matched")

    ok_here("override", "add", "--decisions", decisions, "--pos-id", unmatched, "--id", "5101",
            "--note", "checked by hand", "--catalog", CATALOG)  # fmt: skip
    ok_here("override", "add", "--decisions", decisions, "--name",
            feed[matched]["productName"].upper(), "--id", "none")  # fmt: skip
    listed = ok_here("override", "list", "--decisions", decisions)
    assert "2 overrides" in listed and "checked by hand" in listed

    said = run_here(tmp_path / "1.csv", decisions)
    after = by_id(tmp_path / "1.csv")
    # The summary counts each record once, as its match_source says: 2 overrides, 26 reused.
    sources = [r["match_source"] for r in after.values()]
    assert (sources.count("override"), sources.count("reused")) == (2, 26)
    assert "26 decisions reused, 2 overridden" in said, said
    assert after[unmatched]["jane_product_id"] == "5101"
    assert after[unmatched]["match_status"] == "matched"
    assert after[unmatched]["match_score"] == "1.0000"
    assert after[matched]["jane_product_id"] == ""
    assert after[matched]["match_status"] == "no_match"
    assert after[unmatched]["match_source"] == after[matched]["match_source"] == "override"
    others = [p for p in base if p not in (matched, unmatched)]
    # The other records' decisions are the first run's, reused from the store.
    assert [{**after[p], "match_source": ""} for p in others] == [
        {**base[p], "match_source": ""} for p in others
    ]
    assert {after[p]["match_source"] for p in others} == {"reused", ""}  # "": the reject
    assert {base[p]["match_source"] for p in others} == {"matcher", ""}

    ok_here("override", "remove", "--decisions", decisions, "--pos-id", unmatched)
    name = feed[matched]["productName"]
    ok_here("override", "remove", "--decisions", decisions, "--name", name)
    assert "0 overrides" in ok_here("override", "list", "--decisions", decisions)
    run_here(tmp_path / "2.csv", decisions)
    reused = {
        p: {**r, "match_source": "matcher" if r["match_source"] else ""}
        for p, r in by_id(tmp_path / "2.csv").items()
    }
    assert reused == base


def test_override_errors(tmp_path: Path) -> None:
    decisions = str(tmp_path / "d.db")
    assert "not in" in fails_here(
        "override", "add", "--decisions", decisions, "--pos-id", "1", "--id", "999999",
        "--catalog", CATALOG,
    )  # fmt: skip
    assert "give --catalog" in fails_here(
        "override", "add", "--decisions", decisions, "--pos-id", "1", "--id", "maybe"
    )
    assert "catalog id or" in fails_here(
        "override", "add", "--decisions", decisions, "--pos-id", "1", "--id", " "
    )
    assert "--pos-id or --name" in fails_here(
        "override", "add", "--decisions", decisions, "--id", "1"
    )
    assert not Path(decisions).exists()  # refused before the store was opened, or made
    run_here(tmp_path / "o.csv", decisions)  # a run makes the store
    # Nothing of that key in the store: a data error, 3, as knowledge remove says of a lesson.
    assert "no override" in fails_here(
        "override", "remove", "--decisions", decisions, "--pos-id", "1", code=3
    )
    assert "0 overrides" in ok_here("override", "list", "--decisions", decisions)


def test_override_import(tmp_path: Path) -> None:
    decisions = str(tmp_path / "d.db")
    good = tmp_path / "good.csv"
    good.write_text(
        "source,pos_id,name,jane_product_id,note\n"
        "jane-json,9001,,5002,wrong strain\n"
        ",,Citrus Comet -1.0g- Sunny Valley,5105,flower not pre-roll\n",
        encoding="utf-8",
    )
    assert "give --catalog" in fails_here("override", "import", good, "--decisions", decisions)
    assert "imported 2 overrides" in ok_here(
        "override", "import", good, "--decisions", decisions, "--catalog", CATALOG
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "source,pos_id,name,jane_product_id\njane-json,9002,,5003\njane-json,9003,,five\n",
        encoding="utf-8",
    )
    message = fails_here(
        "override", "import", bad, "--decisions", decisions, "--catalog", CATALOG, code=3
    )
    assert f"{bad}: line 3: catalog id five is not in" in message
    listed = ok_here("override", "list", "--decisions", decisions)
    assert "2 overrides" in listed and "9002" not in listed  # all or nothing
    again = tmp_path / "again.csv"  # one key twice: one override, the last row's
    again.write_text("pos_id,jane_product_id\n9001,5001\n9001,5002\n", encoding="utf-8")
    said = ok_here("override", "import", again, "--decisions", decisions, "--catalog", CATALOG)
    assert "imported 1 override from" in said and "1 of its rows named a key again" in said
    run_here(tmp_path / "o.csv", decisions)
    out = by_id(tmp_path / "o.csv")
    assert out["9001"]["jane_product_id"] == "5002"
    assert out["9108"]["jane_product_id"] == "5105"  # by its normalized name


def test_review_round_trip(tmp_path: Path, decisions: str) -> None:
    run_here(tmp_path / "0.csv", decisions)
    base = by_id(tmp_path / "0.csv")
    review = tmp_path / "review.csv"
    assert "records to review" in ok_here(
        "review", "export", "--decisions", decisions, "--catalog", CATALOG, "--out", review
    )
    listed = rows(review)
    ambiguous = [r for r in listed if r["status"] == "ambiguous"]
    assert {r["pos_id"] for r in ambiguous} == {
        p for p, r in base.items() if r["match_status"] == "ambiguous"
    }
    assert all(r["cand1_id"] and r["cand2_id"] and r["decision"] == "" for r in ambiguous)
    unsure = [r for r in listed if r["status"] != "ambiguous"]
    assert all(0.6 <= float(r["score"]) < 0.95 and r["cand1_id"] for r in unsure)
    assert ambiguous and unsure

    # The reviewer picks the second candidate of an ambiguous record and "none" for a match
    # they find wrong.
    picked = ambiguous[0]
    rejected = next(r for r in unsure if r["status"] == "matched")
    assert base[rejected["pos_id"]]["jane_product_id"] == rejected["jane_product_id"] != ""
    for r in listed:
        if r is picked:
            r["decision"] = r["cand2_id"]
        elif r is rejected:
            r["decision"] = "none"
    with review.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(listed[0]))
        writer.writeheader()
        writer.writerows(listed)
    applied = ok_here("review", "apply", review, "--decisions", decisions, "--catalog", CATALOG)
    assert f"2 overrides from {review}" in applied
    assert f"({len(listed) - 2} rows without a decision)" in applied

    run_here(tmp_path / "1.csv", decisions)
    after = by_id(tmp_path / "1.csv")
    assert after[picked["pos_id"]]["jane_product_id"] == picked["cand2_id"]
    assert after[picked["pos_id"]]["match_status"] == "matched"
    assert after[rejected["pos_id"]]["jane_product_id"] == ""
    assert after[rejected["pos_id"]]["match_status"] == "no_match"
    # Reviewed records are not asked about again.
    ok_here("review", "export", "--decisions", decisions, "--catalog", CATALOG, "--out", review)
    assert {r["pos_id"] for r in rows(review)} == {r["pos_id"] for r in listed} - {
        picked["pos_id"],
        rejected["pos_id"],
    }


def test_review_apply_rejects_a_bad_file_whole(tmp_path: Path) -> None:
    decisions = str(tmp_path / "d.db")
    run_here(tmp_path / "0.csv", decisions)
    review = tmp_path / "review.csv"
    ok_here("review", "export", "--decisions", decisions, "--catalog", CATALOG, "--out", review)
    listed = rows(review)
    listed[0]["decision"] = "5101"
    listed[-1]["decision"] = "12345678"  # not in the catalog
    with review.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(listed[0]))
        writer.writeheader()
        writer.writerows(listed)
    message = fails_here(
        "review", "apply", review, "--decisions", decisions, "--catalog", CATALOG, code=3
    )
    assert f"line {len(listed) + 1}" in message and "not in the catalog" in message
    assert "0 overrides" in ok_here("override", "list", "--decisions", decisions)
    assert "give --catalog" in fails_here("review", "apply", review, "--decisions", decisions)
    not_review = tmp_path / "x.csv"
    not_review.write_text("a,b\n1,2\n", encoding="utf-8")
    assert "not a review file" in fails_here(
        "review", "apply", not_review, "--decisions", decisions, code=3
    )


@pytest.mark.parametrize(
    ("location", "message", "code"),
    [
        ("{tmp}/missing-dir/d.db", "no such directory", 4),
        # retryable: the server may be back later
        ("postgresql+psycopg://u:s3cret@127.0.0.1:9/db", "cannot open the decision store", 75),
    ],
)
def test_bad_store_location_fails_cleanly(
    tmp_path: Path, location: str, message: str, code: int
) -> None:
    out = tmp_path / "o.csv"
    where = location.format(tmp=tmp_path)
    error = fails(
        "run", "--pos", POS, "--catalog", CATALOG, "--out", out, "--decisions", where, code=code
    )
    assert message in error and "s3cret" not in error
    assert not out.exists()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_text("hello\n"), "not a decision store (file is not a database)"),
        (
            lambda p: sqlite3.connect(p).executescript("CREATE TABLE orders (id INTEGER);"),
            "not a decision store (it holds other tables: orders)",
        ),
    ],
    ids=["text", "other tables"],
)
def test_a_file_that_is_no_decision_store_is_one_line(
    tmp_path: Path, make: Callable[[Path], object], message: str
) -> None:
    store = tmp_path / "d.db"
    make(store)
    before = store.read_bytes()
    for words in (
        ["run", "--pos", POS, "--catalog", CATALOG, "--out", tmp_path / "o.csv"],
        ["override", "list"],
        ["review", "export", "--catalog", CATALOG, "--out", tmp_path / "r.csv"],
    ):
        assert message in fails(*words, "--decisions", store, code=4)
    assert store.read_bytes() == before and not (tmp_path / "o.csv").exists()


@pytest.mark.parametrize(
    "words",
    [
        ["override", "list"],
        ["override", "remove", "--pos-id", "1"],
        ["review", "export", "--catalog", str(CATALOG), "--out", "{tmp}/r.csv"],
        ["knowledge", "list"],
        ["knowledge", "export", "--out", "{tmp}/k.csv"],
        ["knowledge", "remove", "1"],
        ["gaps", "--catalog", str(CATALOG), "--out", "{tmp}/g.csv"],
    ],
    ids=lambda w: " ".join(w[:2]),
)
def test_a_command_that_only_reads_makes_no_store_of_a_mistyped_path(
    tmp_path: Path, words: list[str]
) -> None:
    store = tmp_path / "typo.db"
    said = fails(*(w.format(tmp=tmp_path) for w in words), "--decisions", store, code=3)
    assert f"{store}: no such decision store" in said
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "words",
    [
        ["override", "import", "{file}", "--catalog", str(CATALOG)],
        ["knowledge", "import", "{file}"],
        ["review", "apply", "{file}", "--catalog", str(CATALOG)],
    ],
    ids=lambda w: " ".join(w[:2]),
)
def test_an_import_file_in_another_encoding_is_one_line(tmp_path: Path, words: list[str]) -> None:
    # A spreadsheet's CSV saved as Latin-1 ("Café"): it used to stop on a UnicodeDecodeError.
    file = tmp_path / "import.csv"
    file.write_bytes(
        b"kind,text,target,brand,scope,source,pos_id,name,jane_product_id,decision\n"
        b"brand,Caf\xe9,Emerald Coast Extracts,,global,,9001,,5002,5002\n"
    )
    store = tmp_path / "d.db"
    said = fails(*(w.format(file=file) for w in words), "--decisions", store, code=3)
    assert said.strip() == f"poslink: error: {file}: not UTF-8 text"
    assert not store.exists()  # all or none: nothing imported, no store made
