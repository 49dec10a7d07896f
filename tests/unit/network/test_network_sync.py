"""The network sync (``network/sync.py``) with real components: each store's output is exactly
what a run of that store alone writes, one decision cache serves every store (per POS category
table), a bad store is reported and skipped, and with a decision store each store is
incremental on its own."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds
import pyarrow.parquet as pq

import storehelp
from poslink.network.manifest import StoreEntry
from poslink.network.report import NetworkReport
from poslink.network.sync import Layout, store_output, sync_network
from poslink.pipeline import RunConfig, run
from storehelp import COUNTING, CountingEngine, read_feed, write_feed

CATALOG = storehelp.EXAMPLE_CATALOG


def config(out: Path, **options: Any) -> RunConfig:
    """The sync's configuration (its pos and out are each store's own)."""
    return RunConfig(pos=out, catalog=str(CATALOG), out=out, **options)


def alone(pos: Path, out: Path, **options: Any) -> Path:
    """``poslink run`` of one store alone."""
    run(RunConfig(pos=pos, catalog=str(CATALOG), out=out, **options))
    return out


def entry(store: str, pos: Path | str, source: str = "jane-json", **options: Any) -> StoreEntry:
    return StoreEntry(store, source, Path(pos), options)


def stores(report: NetworkReport) -> dict[str, Any]:
    return {s.store: s for s in report.stores}


def test_each_store_as_alone_and_the_second_decides_nothing(tmp_path: Path) -> None:
    feed = read_feed()
    north = write_feed(tmp_path / "north.json", feed)
    # The same products under other POS ids, in another order: all answered by the cache.
    south = write_feed(
        tmp_path / "south.json",
        [{**r, "productId": 50000 + i} for i, r in enumerate(reversed(feed))],
    )
    out = tmp_path / "out"
    report = sync_network(
        [entry("north", north), entry("south", south)],
        config(out, engine_options={"workers": 2}),
        out,
    )
    for name, pos in (("north", north), ("south", south)):
        expected = alone(pos, tmp_path / f"{name}-alone.csv")
        assert (out / f"{name}.csv").read_bytes() == expected.read_bytes()
        rejects = expected.with_name(f"{name}-alone.rejects.csv")
        assert (out / f"{name}.rejects.csv").read_bytes() == rejects.read_bytes()
    by_store = stores(report)
    usable = len(feed) - 1  # one record of the example is rejected by the source
    assert 0 < by_store["north"].decided <= usable
    assert by_store["south"].decided == 0
    assert by_store["south"].cached == usable
    assert report.decisions == by_store["north"].decided
    assert report.totals.records == 2 * len(feed)
    assert [s.status for s in report.stores] == ["ok", "ok"]


def test_the_cache_is_kept_per_category_table(tmp_path: Path) -> None:
    pos = storehelp.EXAMPLE_POS
    out = tmp_path / "out"
    report = sync_network(
        [entry("a", pos), entry("b", pos, category_table="store")], config(out), out
    )
    by_store = stores(report)
    # Read with another category table, the same records are decided again ...
    assert by_store["b"].decided == by_store["a"].decided > 0
    # ... and each store's output is its own run's.
    assert (out / "a.csv").read_bytes() == alone(pos, tmp_path / "a.csv").read_bytes()
    options = {"category_table": "store"}
    expected = alone(pos, tmp_path / "b.csv", source_options=options)
    assert (out / "b.csv").read_bytes() == expected.read_bytes()


def test_bad_stores_are_reported_and_skipped(tmp_path: Path) -> None:
    feed = read_feed()
    good = write_feed(tmp_path / "good.json", feed)
    corrupt = tmp_path / "corrupt.json"
    corrupt.write_text(json.dumps(feed)[:-300], encoding="utf-8")  # cut short mid-record
    entries = [
        entry("missing", tmp_path / "nowhere.json"),
        entry("corrupt", corrupt),
        entry("unknown", good, source="no-such-pos"),
        entry("badoption", good, no_such_option=1),
        StoreEntry("dup", "jane-json", good, {}, 7, "store id given twice (first on line 2)"),
        entry("good", good),
    ]
    out = tmp_path / "out"
    report = sync_network(entries, config(out), out, layout=Layout.parquet)
    by_store = stores(report)
    assert by_store["good"].status == "ok" and by_store["good"].records == len(feed)
    errors = {s.store: s.error for s in report.failed}
    assert set(errors) == {"missing", "corrupt", "unknown", "badoption", "dup"}
    assert "no such file" in errors["missing"]
    assert "corrupt.json" in errors["corrupt"]
    assert "no-such-pos" in errors["unknown"]
    assert "no_such_option" in errors["badoption"]
    assert errors["dup"] == "line 7: store id given twice (first on line 2)"
    # Only the good store's partition is there: no folder, no partial file of the others.
    assert sorted(p.name for p in out.iterdir()) == ["store=good"]
    assert report.as_dict()["failed"] == 5


def test_parquet_layout_is_one_dataset_equal_to_runs_alone(tmp_path: Path) -> None:
    feed = read_feed()
    north = write_feed(tmp_path / "north.json", feed)
    south = write_feed(tmp_path / "south.json", feed[:10])
    out = tmp_path / "out"
    sync_network([entry("north", north), entry("south", south)], config(out), out, "parquet")
    for name, pos in (("north", north), ("south", south)):
        expected = alone(pos, tmp_path / f"{name}.parquet", sink="parquet")
        got = pq.read_table(store_output(out, name, "parquet").output)
        assert got.equals(pq.read_table(expected))
    # The folder reads as one table with a store column (rejects files are named _*).
    table = ds.dataset(out, format="parquet", partitioning="hive").to_table()
    assert table.num_rows == len(feed) + 10
    assert sorted(set(table.column("store").to_pylist())) == ["north", "south"]


def test_each_store_incremental_on_its_own(tmp_path: Path, decisions: str) -> None:
    feed = read_feed()
    north = write_feed(tmp_path / "north.json", feed)
    south = write_feed(tmp_path / "south.json", feed)
    out = tmp_path / "out"
    entries = [entry("north", north), entry("south", south)]
    sync = config(out, engine=COUNTING, decisions=decisions)
    CountingEngine.seen.clear()
    first = stores(sync_network(entries, sync, out))
    # A store's first sync matches all of its records (the engine sees them all: the store's
    # own decisions are new), even when the shared cache already knows the names.
    assert len(CountingEngine.seen) == 2 * (len(feed) - 1)
    assert first["north"].reused == first["south"].reused == 0
    # One record of south changes: only it reaches the engine; north is left as it was.
    changed = [dict(r) for r in feed]
    changed[3]["productName"] = "Velvet Moon Vaporizer CARTRIDGE -0.5g- Emerald Coast"
    write_feed(south, changed)
    CountingEngine.seen.clear()
    second = stores(sync_network(entries, sync, out))
    assert CountingEngine.seen == [str(changed[3]["productId"])]
    assert second["south"].reused == len(feed) - 2
    assert second["north"].records == len(feed)
    # The output is what a full sync without a store writes.
    full = tmp_path / "full"
    sync_network(entries, config(full), full)
    for name in ("north", "south"):
        assert (out / f"{name}.csv").read_bytes() != b""
        plain = storehelp.without_source(full / f"{name}.csv")
        assert storehelp.without_source(out / f"{name}.csv") == plain
