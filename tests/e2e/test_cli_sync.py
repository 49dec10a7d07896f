"""``poslink sync`` as a user runs it: a manifest of stores in, each store's output (the same
bytes as ``poslink run`` of that store alone), the report as JSON, a table and an HTML page;
exit 1 when a store failed, 2 when the manifest is unusable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import EXAMPLES, poslink

CATALOG = EXAMPLES / "jane/catalog.db"
CSV_OPTIONS = (
    '{"delimiter": ";", "columns": {"id": "SKU", "name": "Product Name", "brand": "Brand",'
    ' "category": "Category", "weight": "Unit Weight", "quantity": "Qty On Hand"}}'
)


def csv_manifest(folder: Path, extra: str = "") -> Path:
    """A CSV manifest: the example's JSON export, and its CSV export with its columns."""
    manifest = folder / "stores.csv"
    options = CSV_OPTIONS.replace('"', '""')
    manifest.write_text(
        "store,source,pos,options\n"
        f"north,jane-json,{EXAMPLES / 'jane/pos.json'},\n"
        f'south,csv,{EXAMPLES / "jane/pos.csv"},"{options}"\n' + extra,
        encoding="utf-8",
    )
    return manifest


def test_sync_writes_what_each_run_alone_writes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = poslink("sync", "--manifest", csv_manifest(tmp_path), "--catalog", CATALOG, "--out", out)
    assert done.returncode == 0, done.stderr
    north = tmp_path / "north.csv"
    south = tmp_path / "south.csv"
    plain = ("--catalog", CATALOG, "-q")
    assert (
        poslink("run", "--pos", EXAMPLES / "jane/pos.json", "--out", north, *plain).returncode == 0
    )
    options = [("-o", f"columns.{k}={v}") for k, v in json.loads(CSV_OPTIONS)["columns"].items()]
    alone = poslink(
        "run",
        "--pos",
        EXAMPLES / "jane/pos.csv",
        "--source",
        "csv",
        "-o",
        "delimiter=;",
        *[arg for pair in options for arg in pair],
        "--out",
        south,
        *plain,
    )
    assert alone.returncode == 0, alone.stderr
    assert (out / "north.csv").read_bytes() == north.read_bytes()
    assert (out / "south.csv").read_bytes() == south.read_bytes()
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["stores"] == 2 and report["failed"] == 0
    assert set(report["per_source"]) == {"jane-json", "csv"}
    assert [s["store"] for s in report["per_store"]] == ["north", "south"]
    page = (out / "report.html").read_text(encoding="utf-8")
    assert (
        "north" in page
        and "<svg" in page
        and "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    )
    # The readable table names each store.
    assert "north" in done.stdout and "south" in done.stdout and "per source system" in done.stdout


def test_a_bad_store_is_reported_and_the_others_complete(tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.json"
    corrupt.write_text('[{"productId": 1, "productName": "Blue', encoding="utf-8")
    manifest = csv_manifest(
        tmp_path,
        f"gone,jane-json,{tmp_path / 'missing.json'},\n"
        f"broken,jane-json,{corrupt},\n"
        f"north,jane-json,{EXAMPLES / 'jane/pos.json'},\n",
    )
    out = tmp_path / "out"
    html = tmp_path / "page.html"
    done = poslink(
        "sync",
        "--manifest",
        manifest,
        "--catalog",
        CATALOG,
        "--out",
        out,
        "--format",
        "parquet",
        "--report-html",
        html,
    )
    assert done.returncode == 1, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("failed: ")]
    assert len(lines) == 3, done.stdout
    assert any("gone" in line and "no such file" in line for line in lines)
    assert any("broken" in line and "corrupt.json" in line for line in lines)
    assert any("north" in line and "given twice" in line for line in lines)
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "_report.json",
        "store=north",
        "store=south",
    ]
    assert html.is_file()


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_under_q_each_failed_store_is_one_error_line(tmp_path: Path, log_format: str) -> None:
    unusable = tmp_path / "unusable.json"  # every record rejected: over --max-reject-rate
    unusable.write_text('[{"productId": 1}, {"productId": 2}, {"productId": 3}]', "utf-8")
    manifest = csv_manifest(
        tmp_path,
        f"gone,jane-json,{tmp_path / 'missing.json'},\nrejecting,jane-json,{unusable},\n",
    )
    done = poslink(
        "sync", "--manifest", manifest, "--catalog", CATALOG, "--out", tmp_path / "out", "-q",
        "--log-format", log_format,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 2 and "Traceback" not in done.stderr, done.stderr
    if log_format == "json":
        said = [json.loads(line) for line in lines]
        assert {s["level"] for s in said} == {"error"}
        messages = [s["message"] for s in said]
    else:
        assert all(line.startswith("poslink: error: store ") for line in lines), lines
        messages = lines
    assert "gone failed" in messages[0] and "no such file" in messages[0], messages
    assert "rejecting failed" in messages[1] and "reject" in messages[1], messages


@pytest.mark.parametrize(
    ("manifest", "says"),
    [
        (None, "no such manifest"),
        ("[[store]\nid =", "not valid TOML"),
        ("[defaults]\nsource = 'csv'\n", "lists no store"),
    ],
)
def test_an_unusable_manifest_exits_2(tmp_path: Path, manifest: str | None, says: str) -> None:
    path = tmp_path / "stores.toml"
    if manifest is not None:
        path.write_text(manifest, encoding="utf-8")
    out = tmp_path / "out"
    done = poslink("sync", "--manifest", path, "--catalog", CATALOG, "--out", out)
    assert done.returncode == 2
    assert says in done.stderr
    assert not out.exists()


def test_an_unreadable_catalog_stops_the_sync_with_3(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = poslink(
        "sync", "--manifest", csv_manifest(tmp_path), "--catalog", tmp_path / "no.db", "--out", out
    )
    assert done.returncode == 3
    assert "no such catalog file" in done.stderr
    assert not list(out.glob("*.csv")) and not (out / "report.json").exists()


@pytest.mark.parametrize(
    ("index", "says"),
    [(None, "no such index file"), ("not an index\n", "not a poslink index (not JSON)")],
    ids=["missing", "damaged"],
)
def test_an_unusable_saved_index_stops_the_sync_once(
    tmp_path: Path, index: str | None, says: str
) -> None:
    # The index serves every store: its failure is the sync's, said once, not once per store.
    path = tmp_path / "index.json"
    if index is not None:
        path.write_text(index, encoding="utf-8")
    out = tmp_path / "out"
    done = poslink(
        "sync", "--manifest", csv_manifest(tmp_path), "--catalog", CATALOG,
        "--index", path, "--out", out,
    )  # fmt: skip
    assert done.returncode == 3, done.stderr
    assert done.stderr.count(says) == 1, done.stderr
    assert "store north failed" not in done.stderr
    assert not list(out.glob("*.csv")) and not (out / "report.json").exists()


def test_an_option_the_spark_engine_lacks_is_refused_as_run_refuses_it(tmp_path: Path) -> None:
    # `--workers` is the local engine's: on Spark, sync says so as `run` does (it was dropped
    # without a word), before any JVM is started or anything is written.
    where: list[str | Path] = ["--catalog", EXAMPLES / "jane/catalog.db", "--engine", "spark",
                              "--workers", "2"]  # fmt: skip
    out = tmp_path / "net"
    synced = poslink("sync", "--manifest", EXAMPLES / "jane/stores.toml", *where,
                     "--format", "parquet", "--out", out)  # fmt: skip
    ran = poslink("run", "--pos", EXAMPLES / "jane/pos.json", *where, "--out", tmp_path / "o.csv")
    for result in (synced, ran):
        assert result.returncode == 2, result.stderr
        assert "option --workers: not a known key" in result.stderr, result.stderr
    assert not out.exists()
