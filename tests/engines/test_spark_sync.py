"""``poslink sync --engine spark``: the local engine's Parquet dataset and report, on Spark."""

from __future__ import annotations

import logging
import shutil
from dataclasses import astuple
from pathlib import Path

import pytest

from helpers import EXAMPLES, poslink
from poslink.config import RunConfig
from poslink.exceptions import CatalogError, ConfigError
from poslink.network.manifest import read_manifest
from poslink.network.report import NetworkReport
from poslink.network.sync import Layout, sync_network
from poslink_dev.bench.network import dataset, same_tables
from poslink_dev.synth.network import Network, generate_network

# Stores whose export cannot be synced, one (the example) with a record a source sets aside,
# one without records, and an id given twice.
EXTRA = """
[[store]]
id = "gone"
pos = "exports/gone/pos.json"

[[store]]
id = "broken"
pos = "exports/broken/pos.json"

[[store]]
id = "example"
pos = "exports/example/pos.json"

[[store]]
id = "empty"
pos = "exports/empty/pos.json"

[[store]]
id = "empty"
pos = "exports/example/pos.json"
"""


@pytest.fixture(scope="module")
def network(kushy: Path, tmp_path_factory: pytest.TempPathFactory) -> Network:
    out = tmp_path_factory.mktemp("network")
    made = generate_network(kushy, out, n_stores=6, per_store=120, n_products=1500, gzip_share=0.3)
    (out / "exports/broken").mkdir()
    (out / "exports/broken/pos.json").write_text('[{"productId": 1, "productName": "Ac', "utf-8")
    (out / "exports/empty").mkdir()
    (out / "exports/empty/pos.json").write_text("[]", "utf-8")
    (out / "exports/example").mkdir()
    shutil.copyfile(EXAMPLES / "jane/pos.json", out / "exports/example/pos.json")
    with made.manifest.open("a", encoding="utf-8") as handle:
        handle.write(EXTRA)
    return made


# The error lines each engine's sync logged, by engine.
SAID: dict[str, list[str]] = {}


class _Said(logging.Handler):
    def __init__(self, lines: list[str]) -> None:
        super().__init__(logging.ERROR)
        self.lines = lines

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def sync(network: Network, out: Path, engine: str, **options: object) -> NetworkReport:
    config = RunConfig(
        pos=network.manifest,
        catalog=str(network.catalog),
        out=out,
        engine=engine,
        engine_options=options,
    )
    said = _Said(SAID.setdefault(engine, []))
    logging.getLogger("poslink").addHandler(said)
    try:
        return sync_network(read_manifest(network.manifest), config, out, Layout.parquet)
    finally:
        logging.getLogger("poslink").removeHandler(said)


@pytest.fixture(scope="module")
def local(network: Network, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, NetworkReport]:
    out = tmp_path_factory.mktemp("local") / "out"
    return out, sync(network, out, "local", workers=1)


@pytest.fixture(scope="module")
def on_spark(
    spark: object, network: Network, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, NetworkReport]:
    out = tmp_path_factory.mktemp("spark") / "out"
    (out / "store=gone").mkdir(parents=True)  # an earlier sync's folder of a store now failing
    (out / "store=gone/part-0.parquet").write_bytes(b"earlier")
    return out, sync(network, out, "spark", master="local[2]")


def test_spark_writes_the_local_engines_dataset(
    local: tuple[Path, NetworkReport], on_spark: tuple[Path, NetworkReport]
) -> None:
    (local_out, _), (spark_out, _) = local, on_spark
    shutil.move(spark_out / "store=gone", spark_out.parent / "kept")  # not this sync's
    try:
        mine, theirs = dataset(spark_out), dataset(local_out)
        mine_files, their_files = _files(spark_out), _files(local_out)
    finally:
        shutil.move(spark_out.parent / "kept", spark_out / "store=gone")
    assert len(theirs) == 8  # six generated stores, the example and an empty one
    assert theirs["empty"].num_rows == 0
    assert same_tables(mine, theirs)
    # The local engine's layout, file for file (hive style: a folder a store, its Parquet part
    # and rejects in it); no staging folder left behind.
    assert mine_files == their_files
    assert "store=empty/part-0.parquet" in mine_files
    assert not [p for p in spark_out.iterdir() if p.name.startswith(".")]
    rejects = "store=example/_rejects.csv"
    assert (spark_out / rejects).read_bytes() == (local_out / rejects).read_bytes()


def _files(out: Path) -> list[str]:
    """The files a sync wrote into ``out``, but its report."""
    return sorted(
        p.relative_to(out).as_posix()
        for p in out.rglob("*")
        if p.is_file() and not p.name.startswith("_report")
    )


def test_spark_report_counts_as_the_local_one(
    local: tuple[Path, NetworkReport], on_spark: tuple[Path, NetworkReport]
) -> None:
    (_, ours), (_, spark) = local, on_spark

    def counts(report: NetworkReport) -> list[tuple[object, ...]]:
        return [
            (s.store, s.status, s.records, s.matched, s.no_match, s.ambiguous, s.rejected)
            for s in report.stores
        ]

    assert counts(spark) == counts(ours)
    assert [s.store for s in spark.failed] == ["gone", "broken", "empty"]  # the id given twice
    assert [astuple(u) for u in spark.unmatched] == [astuple(u) for u in ours.unmatched]
    assert spark.histogram == ours.histogram
    assert {k: astuple(v) for k, v in spark.systems.items()} == {
        k: astuple(v) for k, v in ours.systems.items()
    }
    broken = next(s for s in spark.stores if s.store == "broken")
    assert "exports/broken/pos.json" in broken.error


def test_each_failed_store_is_an_error_line_on_either_engine(
    local: tuple[Path, NetworkReport], on_spark: tuple[Path, NetworkReport]
) -> None:
    for engine, (_, report) in (("local", local), ("spark", on_spark)):
        failed = [line.split()[1] for line in SAID[engine] if line.startswith("store ")]
        assert failed == [s.store for s in report.failed] == ["gone", "broken", "empty"], engine
        assert all(s.error in line for s, line in zip(report.failed, SAID[engine], strict=True))


def test_spark_report_counts_what_the_workers_decided(
    on_spark: tuple[Path, NetworkReport],
) -> None:
    # Every record a source could read is either decided by a worker or answered from its
    # memory; the report's totals are the stores' sums.
    _, report = on_spark
    synced = [s for s in report.stores if s.status == "ok"]
    assert next(s for s in synced if s.store == "example").rejected
    for store in synced:
        assert store.decided + store.cached == store.records - store.rejected, store.store
    assert sum(s.decided for s in synced) > 0
    assert report.decisions == sum(s.decided for s in report.stores)
    assert report.extra["answered_from_cache"] == sum(s.cached for s in report.stores)


def test_the_local_report_counts_every_record_read_too(
    local: tuple[Path, NetworkReport],
) -> None:
    _, report = local
    for store in report.stores:
        if store.status == "ok":
            assert store.decided + store.cached == store.records - store.rejected, store.store


def test_spark_report_times_each_store(on_spark: tuple[Path, NetworkReport]) -> None:
    # The executors' seconds reading and matching a store's records: every store with records
    # took some, together no more than the executors had (2 cores for the whole sync).
    _, report = on_spark
    timed = {s.store: s.seconds for s in report.stores if s.status == "ok" and s.records}
    assert len(timed) == 7 and all(seconds > 0 for seconds in timed.values())
    assert sum(timed.values()) <= 2 * report.seconds


def test_a_failed_stores_earlier_output_is_left_alone(on_spark: tuple[Path, NetworkReport]) -> None:
    out, _ = on_spark
    assert (out / "store=gone/part-0.parquet").read_bytes() == b"earlier"
    assert not (out / "store=broken").exists()


@pytest.mark.parametrize(
    ("layout", "decisions", "message"),
    [(Layout.csv, None, "--format parquet"), (Layout.parquet, "d.db", "decision store")],
)
def test_what_spark_sync_does_not_do_is_said(
    network: Network, tmp_path: Path, layout: Layout, decisions: str | None, message: str
) -> None:
    config = RunConfig(
        pos=network.manifest,
        catalog=str(network.catalog),
        out=tmp_path,
        engine="spark",
        decisions=str(tmp_path / decisions) if decisions else None,
    )
    with pytest.raises(ConfigError, match=message):
        sync_network(read_manifest(network.manifest), config, tmp_path / "out", layout)


def test_cli_takes_the_engine_and_says_what_it_needs(network: Network, tmp_path: Path) -> None:
    # Refused before any Spark starts: the flags reach the sync, the layout is checked.
    done = poslink(
        "sync",
        "--manifest",
        network.manifest,
        "--catalog",
        network.catalog,
        "--out",
        tmp_path / "out",
        "--engine",
        "spark",
        "--master",
        "local[1]",
    )
    assert done.returncode == 2, done.stderr
    assert "--format parquet" in done.stderr
    assert "Traceback" not in done.stderr


def test_spark_report_names_the_catalog_and_outputs_as_the_local_one(
    local: tuple[Path, NetworkReport], on_spark: tuple[Path, NetworkReport]
) -> None:
    # report.json's catalog_version and each store's output are the local engine's: the
    # catalog's version (not blank) and the store's Parquet file (not its folder).
    (local_out, ours), (spark_out, spark) = local, on_spark
    assert spark.catalog_version
    assert spark.catalog_version == ours.catalog_version

    def outputs(out: Path, report: NetworkReport) -> dict[str, str]:
        return {
            s.store: Path(s.output).relative_to(out).as_posix() for s in report.stores if s.output
        }

    assert outputs(spark_out, spark) == outputs(local_out, ours)
    assert outputs(spark_out, spark)["example"] == "store=example/part-0.parquet"


def _no_spark(*args: object, **kwargs: object) -> None:
    raise AssertionError("a Spark session was started")


def test_an_unusable_catalog_stops_the_sync_before_spark_starts(
    network: Network, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Refused as a run refuses it (exit 3), without paying for a JVM first.
    monkeypatch.setattr("poslink.engines.spark.session.start_session", _no_spark)
    config = RunConfig(
        pos=network.manifest, catalog=str(tmp_path / "gone.db"), out=tmp_path, engine="spark"
    )
    with pytest.raises(CatalogError, match="no such catalog file"):
        sync_network(read_manifest(network.manifest), config, tmp_path / "out", Layout.parquet)


def test_a_sync_whose_every_store_failed_needs_no_spark(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("poslink.engines.spark.session.start_session", _no_spark)
    manifest = tmp_path / "stores.toml"
    manifest.write_text('[[store]]\nid = "gone"\npos = "gone.json"\n', "utf-8")
    config = RunConfig(
        pos=manifest, catalog=str(EXAMPLES / "jane/catalog.db"), out=tmp_path, engine="spark"
    )
    report = sync_network(read_manifest(manifest), config, tmp_path / "out", Layout.parquet)
    assert [s.store for s in report.failed] == ["gone"]
    assert "gone.json: no such file" in report.failed[0].error
