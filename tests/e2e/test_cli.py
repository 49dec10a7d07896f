"""End-to-end: the installed ``poslink`` command, as a user runs it."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from helpers import (
    BAD_POS_FILES,
    EXAMPLE_ARGS,
    EXAMPLES,
    Runner,
    bad_pos_file,
    make_catalog,
    poslink,
)
from poslink.config import RunConfig
from poslink.exceptions import ConfigError
from poslink.runs.parts import build_engine


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def figures(text: str) -> dict[str, float]:
    found = re.search(r"precision ([\d.]+)\s+recall ([\d.]+)\s+F1 ([\d.]+)", text)
    assert found, text
    return dict(zip(("precision", "recall", "f1"), map(float, found.groups()), strict=True))


def test_challenge_precision_and_recall(
    run_poslink: Runner, challenge: Path, tmp_path: Path
) -> None:
    out = tmp_path / "matched.csv"
    result = run_poslink(
        "--pos",
        challenge / "pos/products.json",
        "--catalog",
        challenge / "db/jane.db",
        "--out",
        out,
    )
    assert result.returncode == 0, result.stderr
    assert re.search(
        r"77 records: \d+ matched, \d+ no match, \d+ ambiguous, 0 rejected", result.stdout
    )
    report = tmp_path / "report.json"
    evaluated = poslink(
        "eval", "--labels", challenge / "labels.csv", "--out", out, "--report", report
    )
    assert evaluated.returncode == 0, evaluated.stderr
    got = json.loads(report.read_text())
    print(evaluated.stdout)
    assert got["precision"] == 1.0
    assert got["recall"] >= 0.97
    assert figures(evaluated.stdout)["precision"] == 1.0


def test_output_shape(run_poslink: Runner, challenge: Path, tmp_path: Path) -> None:
    out = tmp_path / "matched.csv"
    assert (
        run_poslink(
            "--pos",
            challenge / "pos/products.json",
            "--catalog",
            challenge / "db/jane.db",
            "--out",
            out,
        ).returncode
        == 0
    )
    source = json.loads((challenge / "pos/products.json").read_text())
    got = rows(out)
    assert list(got[0]) == [
        "category",
        "productId",
        "productName",
        "quantityAvailable",
        "jane_product_id",
        "match_score",
        "match_status",
        "match_source",
    ]
    assert [r["productId"] for r in got] == [str(r["productId"]) for r in source]
    assert [r["productName"] for r in got] == [r["productName"] for r in source]
    for r in got:
        assert r["match_status"] in {"matched", "no_match", "ambiguous"}
        assert (r["jane_product_id"] != "") == (r["match_status"] == "matched")
        assert 0.0 <= float(r["match_score"]) <= 1.0
        assert r["match_source"] == "matcher"
    assert not (tmp_path / "matched.rejects.csv").exists()


def test_bundled_example_runs_and_scores(run_poslink: Runner, tmp_path: Path) -> None:
    out = tmp_path / "o.csv"
    result = run_poslink(*EXAMPLE_ARGS, "--out", out)
    assert result.returncode == 0, result.stderr
    assert "1 rejected" in result.stdout
    evaluated = poslink("eval", "--labels", EXAMPLES / "jane/labels.csv", "--out", out)
    assert figures(evaluated.stdout)["precision"] == 1.0
    rejects = rows(tmp_path / "o.rejects.csv")
    assert [(r["row"], r["reason"]) for r in rejects] == [
        ("28", "productName has no letters or digits")
    ]
    formula = next(r for r in rows(out) if "HYPERLINK" in r["productName"])
    assert formula["productName"].startswith("'=")


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    return make_catalog(
        tmp_path / "c.db",
        [(1, "", "Gold Leaf", "", "gelato", "extract", "Waxes")],
    )


def write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(("content", "message"), BAD_POS_FILES)
def test_bad_pos_file_fails_cleanly_and_keeps_old_output(
    run_poslink: Runner, tmp_path: Path, catalog: Path, content: str | None, message: str
) -> None:
    pos, out = bad_pos_file(tmp_path, content)
    result = run_poslink("--pos", pos, "--catalog", catalog, "--out", out)
    assert result.returncode == 3  # a data error
    assert message in result.stderr and str(pos) in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert out.read_text() == "earlier output\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def _late_break(count: int) -> str:
    """A JSON export whose first ``count`` records are good and whose last is cut off."""
    good = ",".join(f'{{"productId": {i}, "productName": "Item {i} 1g"}}' for i in range(count))
    return f'[{good}, {{"productId": {count}, "productName": "Cut'


@pytest.mark.parametrize(
    ("content", "catalog_ok"),
    [
        ("[{", True),  # broken at once
        (_late_break(5000), True),  # broken after the output was begun
        ("[]", False),  # no catalog
    ],
    # Short ids: a test's id travels in PYTEST_CURRENT_TEST, and an environment variable of the
    # export's 200 kB is more than a command may be started with (E2BIG).
    ids=["broken-at-once", "broken-late", "no-catalog"],
)
def test_a_failed_run_leaves_no_folder_it_made(
    run_poslink: Runner, tmp_path: Path, catalog: Path, content: str, catalog_ok: bool
) -> None:
    pos = tmp_path / "pos.json"
    pos.write_text(content, encoding="utf-8")
    out = tmp_path / "new" / "deeper" / "o.csv"
    given = catalog if catalog_ok else tmp_path / "missing.db"
    result = run_poslink("--pos", pos, "--catalog", given, "--out", out)
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "new").exists()


def test_a_failed_sync_leaves_no_folder_it_made(tmp_path: Path) -> None:
    manifest = tmp_path / "stores.csv"
    manifest.write_text(f"store,source,pos\nnorth,jane-json,{EXAMPLES / 'jane/pos.json'}\n")
    out = tmp_path / "network" / "out"
    result = poslink(
        "sync", "--manifest", manifest, "--catalog", tmp_path / "missing.db", "--out", out
    )
    assert result.returncode == 3, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stores.csv"]


def test_bad_catalog_fails_cleanly(run_poslink: Runner, tmp_path: Path) -> None:
    pos = write_json(tmp_path / "pos.json", [])
    missing = tmp_path / "missing.db"
    result = run_poslink("--pos", pos, "--catalog", missing, "--out", tmp_path / "o.csv")
    assert result.returncode == 3
    assert "no such catalog file" in result.stderr and "Traceback" not in result.stderr
    assert not missing.exists()
    assert not (tmp_path / "o.csv").exists()


def test_empty_list_gives_header_only(run_poslink: Runner, tmp_path: Path, catalog: Path) -> None:
    out = tmp_path / "o.csv"
    result = run_poslink(
        "--pos", write_json(tmp_path / "p.json", []), "--catalog", catalog, "--out", out
    )
    assert result.returncode == 0, result.stderr
    assert out.read_text().splitlines() == [
        "category,productId,productName,quantityAvailable,jane_product_id,match_score,match_status,"
        "match_source"
    ]


def test_bad_records_rejected_good_ones_matched(
    run_poslink: Runner, tmp_path: Path, catalog: Path
) -> None:
    data = [
        {
            "category": "x",
            "productId": 1,
            "productName": "Gelato RAW WAX - Gold Leaf",
            "quantityAvailable": 1,
        },
        {"category": "x", "productId": 2, "productName": None, "quantityAvailable": 1},
        "not a record",
        {
            "category": "x",
            "productId": 4,
            "productName": "🌿\u202e\x07 " + "Z" * 5000,
            "quantityAvailable": 1,
        },
        {
            "category": "x",
            "productId": 5,
            "productName": "@SUM(A1) -1g- Gold Leaf",
            "quantityAvailable": -3,
        },
    ]
    out = tmp_path / "o.csv"
    result = run_poslink(
        "--pos", write_json(tmp_path / "p.json", data), "--catalog", catalog, "--out", out
    )
    assert result.returncode == 0, result.stderr
    got = rows(out)
    assert [r["match_status"] for r in got] == [
        "matched",
        "rejected",
        "rejected",
        "no_match",
        "no_match",
    ]
    assert got[0]["jane_product_id"] == "1"
    assert got[4]["productName"].startswith("'@")
    assert got[4]["quantityAvailable"] == "-3"
    rejects = rows(tmp_path / "o.rejects.csv")
    assert [r["row"] for r in rejects] == ["1", "2"]
    assert "productName must be text" in rejects[0]["reason"]


def test_explain_shows_parse_and_candidates(challenge: Path) -> None:
    result = poslink(
        "explain",
        "Blueberry Boost Vaporizer CARTRIDGE -500mg- IESO",
        "--category",
        "Marijuana Extract for Inhalation",
        "--catalog",
        challenge / "db/jane.db",
    )
    assert result.returncode == 0, result.stderr
    assert "blueberry boost" in result.stdout
    assert "111864" in result.stdout
    assert "decision: matched 111864" in result.stdout
    # How much of each candidate's name the record names, beside its evidence.
    assert "names" in result.stdout and "100%" in result.stdout


def test_sources_lists_builtin(tmp_path: Path) -> None:
    result = poslink("sources")
    assert result.returncode == 0
    assert "jane-json" in result.stdout


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        # Named where it was set, as every other key is.
        (
            "POSLINK_ENGINE_OPTIONS__BATCH_SIZE",
            "0",
            "error: environment variable POSLINK_ENGINE_OPTIONS__BATCH_SIZE: Input should be "
            "greater than or equal to 1",
        ),
        (
            "POSLINK_ENGINE_OPTIONS__CHUNK_SIZE",
            "9",
            "error: environment variable POSLINK_ENGINE_OPTIONS__CHUNK_SIZE: not a known key "
            "(known: workers,",
        ),
    ],
)
def test_a_bad_engine_option_is_named_in_one_line(
    tmp_path: Path, variable: str, value: str, message: str
) -> None:
    result = poslink("run", *EXAMPLE_ARGS, "--out", tmp_path / "o.csv", env={variable: value})
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "o.csv").exists()


def test_a_bad_engine_option_in_a_file_names_the_file_and_key(tmp_path: Path) -> None:
    config = tmp_path / "run.toml"
    config.write_text("[engine_options]\nworkers = 'two'\n", encoding="utf-8")
    result = poslink(
        "run", *EXAMPLE_ARGS, "--config", config, "--out", tmp_path / "o.csv"
    )  # fmt: skip
    assert result.returncode == 2
    assert f"error: {config}: key 'engine_options.workers': Input should be a valid integer" in (
        result.stderr
    )
    # The same options given to the Python API (no file) are named by the engine.
    with pytest.raises(ConfigError, match=r"^engine 'local' option workers: Input should be"):
        build_engine(RunConfig(pos="p", catalog="c", out="o", engine_options={"workers": "two"}))
