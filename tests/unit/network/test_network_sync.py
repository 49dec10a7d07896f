"""The network sync (``network/sync.py``) with real components: each store's output is exactly
what a run of that store alone writes, one decision cache serves every store (per POS category
table), a bad store is reported and skipped, and with a decision store each store is
incremental on its own."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds
import pyarrow.parquet as pq

from helpers import consolehelp, make_catalog, storehelp
from helpers.storehelp import COUNTING, CountingEngine, read_feed, write_feed
from poslink.domain.learned import BRAND, NICKNAME, normalize
from poslink.network.manifest import StoreEntry
from poslink.network.report import NetworkReport, ReportBuilder
from poslink.network.sync import Layout, store_output, sync_network
from poslink.pipeline import RunConfig, run
from poslink.store import knowledge
from poslink.store.db import DecisionStore
from poslink.store.knowledge import STORE

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


def test_every_record_read_is_decided_or_answered(tmp_path: Path) -> None:
    # A store repeating a record (another POS id, the same fields) decides it once: the
    # repeat counts as answered, so a store's decided and cached add up to its records.
    feed = read_feed()
    pos = write_feed(tmp_path / "pos.json", [*feed, {**feed[0], "productId": 90001}])
    out = tmp_path / "out"
    report = sync_network([entry("one", pos)], config(out), out)
    store = stores(report)["one"]
    assert store.decided + store.cached == store.records - store.rejected
    assert store.cached >= 1
    assert report.extra["answered_from_cache"] == store.cached


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


def demo_feed(path: Path, rows: list[tuple[str, str, str, int]]) -> Path:
    records = [
        {"category": c, "productId": i, "productName": n, "quantityAvailable": float(q)}
        for i, n, c, q in rows
    ]
    return write_feed(path, records)


def ids(path: Path) -> dict[str, str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return {r["productId"]: r["jane_product_id"] for r in csv.DictReader(handle)}


def test_what_one_store_was_taught_stays_with_it(tmp_path: Path) -> None:
    catalog = make_catalog(tmp_path / "catalog.db", consolehelp.CATALOG)
    north = demo_feed(tmp_path / "north.json", consolehelp.NORTH)
    south = demo_feed(tmp_path / "south.json", consolehelp.SOUTH)
    stores_db, alone_db = (str(tmp_path / f"{name}.db") for name in ("sync", "alone"))
    for db in (stores_db, alone_db):
        with DecisionStore(db) as store:
            # "Daddy" for Big Daddy Edibles and "exp" for express, taught at south only.
            knowledge.add(
                store,
                [
                    knowledge.Entry(normalize(BRAND, "Daddy", "Big Daddy Edibles"), STORE, "south"),
                    knowledge.Entry(
                        normalize(NICKNAME, "exp", "express", "Sunny Valley Farms"), STORE, "south"
                    ),
                ],
            )
    out = tmp_path / "out"
    # South first: were its lesson left in the shared index, north would read it too.
    entries = [entry("south", south), entry("north", north)]
    sync = RunConfig(pos=out, catalog=str(catalog), out=out, decisions=stores_db)
    report = sync_network(entries, sync, out)
    assert [s.status for s in report.stores] == ["ok", "ok"]
    got = {name: ids(out / f"{name}.csv") for name in ("north", "south")}
    assert (got["south"]["s4"], got["south"]["s1"], got["north"]["n1"]) == ("7001", "7002", "")
    for name, pos in (("north", north), ("south", south)):
        options = {"decisions": alone_db, "store_id": name}
        expected = run(RunConfig(pos=pos, catalog=str(catalog), out=tmp_path / name, **options))
        assert (out / f"{name}.csv").read_bytes() == Path(expected.output).read_bytes()


def test_report_figures_are_those_of_the_outputs(tmp_path: Path) -> None:
    feed = read_feed()
    north = write_feed(tmp_path / "north.json", feed)
    south = write_feed(tmp_path / "south.json", feed[5:] + feed[:3])
    out = tmp_path / "out"
    entries = [entry("north", north), entry("south", south)]
    report = sync_network(entries, config(out), out, "parquet")
    # The same figures counted from the published outputs themselves (Parquet: the text as it
    # was, where CSV quotes a cell a spreadsheet would run).
    builder = ReportBuilder()
    for result in report.stores:
        table = pq.read_table(store_output(out, result.store, "parquet").output)
        names = ["name" if c == "productName" else c for c in table.column_names]
        builder.add_batch(table.rename_columns(names), None)
        builder.end_store(result)
    expected = builder.build(report.seconds)
    assert report.histogram == expected.histogram
    assert report.unmatched == expected.unmatched
    assert sum(report.histogram["given"]) == report.totals.matched
    cats = report.as_dict()["per_category"]
    assert sum(c["records"] for c in cats.values()) == report.totals.records
    assert sum(c["matched"] for c in cats.values()) == report.totals.matched


def test_a_store_cut_across_the_workers_writes_what_it_writes_alone(tmp_path: Path) -> None:
    # More new records than one worker's share: the store's one chunk goes to both workers.
    feed = read_feed()
    records = [
        {
            **feed[k % len(feed)],
            "productId": 70000 + k,
            "productName": f"{feed[k % len(feed)].get('productName', '')} {k % 97}",
        }
        for k in range(1200)
    ]
    pos = write_feed(tmp_path / "big.json", records)
    out = tmp_path / "out"
    report = sync_network([entry("big", pos)], config(out, engine_options={"workers": 2}), out)
    assert report.stores[0].decided > 2 * 256
    expected = alone(pos, tmp_path / "alone.csv", engine_options={"workers": 1})
    assert (out / "big.csv").read_bytes() == expected.read_bytes()


def test_a_rejected_record_counts_under_its_category(tmp_path: Path) -> None:
    pos = demo_feed(
        tmp_path / "pos.json",
        [
            ("z1", "Zorbly Chews", "Gummies", 2),
            ("z2", "!!", "Gummies", 1),
            ("z3", "", "", 1),
            ("z4", "Quillon Haze", "", 1),
            ("z5", "Quillon Haze 2", "", 1),
        ],
    )
    out = tmp_path / "out"
    report = sync_network([entry("one", pos)], config(out), out)
    cats = report.as_dict()["per_category"]
    assert (cats["Gummies"]["records"], cats["Gummies"]["rejected"]) == (2, 1)
    # A reject without a category is still counted under "(none)".
    assert (cats["(none)"]["records"], cats["(none)"]["rejected"]) == (3, 1)
    assert report.totals.rejected == 2


def test_an_unchanged_stores_parquet_output_is_copied_byte_for_byte(tmp_path: Path) -> None:
    # The second sync of the same exports into another folder copies each store's earlier
    # output: a Parquet file is bytes, not text.
    north = write_feed(tmp_path / "north.json", read_feed())
    store = str(tmp_path / "d.db")
    written = []
    for out in (tmp_path / "first", tmp_path / "again"):
        report = sync_network([entry("north", north)], config(out, decisions=store), out, "parquet")
        assert not report.failed
        written.append(store_output(out, "north", "parquet"))
    assert stores(report)["north"].reused == report.totals.records - report.totals.rejected
    for name in ("output", "rejects"):
        first, again = (getattr(w, name).read_bytes() for w in written)
        assert first == again and first
