"""A sync's stores read and sent to the workers ahead of their runs (``network/ahead.py``): the
records sent are those no decision answers yet, each run takes their decisions as if it had
sent them, and every output and figure is what the sync writes without reading ahead."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from helpers import storehelp
from helpers.storehelp import read_feed, write_feed
from poslink.engines.local import LocalEngine
from poslink.network import ahead as ahead_module
from poslink.network.ahead import NextStoreRead, ReadSource, StoresAhead
from poslink.network.manifest import StoreEntry
from poslink.network.sync import Layout, store_config, store_output, sync_network
from poslink.pipeline import RunConfig, Shared, run
from poslink.runs.parts import CatalogAccess
from poslink.sources.jane_json import JaneJsonSource

CATALOG = storehelp.EXAMPLE_CATALOG


def entry(store: str, pos: Path) -> StoreEntry:
    return StoreEntry(store, "jane-json", pos, {})


def network(tmp_path: Path) -> list[StoreEntry]:
    """Four stores: the example, the example renamed (new records), the example again under
    other POS ids (all answered), and one whose export is missing (its run reports it)."""
    feed = read_feed()
    renamed = [{**r, "productName": f"{r.get('productName', '')} Special"} for r in feed]
    again = [{**r, "productId": 50000 + i} for i, r in enumerate(reversed(feed))]
    return [
        entry("first", write_feed(tmp_path / "first.json", feed)),
        entry("renamed", write_feed(tmp_path / "renamed.json", renamed)),
        entry("missing", tmp_path / "missing.json"),
        entry("again", write_feed(tmp_path / "again.json", again)),
    ]


def test_a_store_read_ahead_is_decided_early_and_written_as_alone(tmp_path: Path) -> None:
    entries = network(tmp_path)
    out = tmp_path / "out"
    config = RunConfig(pos=out, catalog=str(CATALOG), out=out, engine_options={"workers": 2})
    engine = LocalEngine(workers=2)
    catalog = CatalogAccess(config)

    def store_run(at: int, source: ReadSource | None = None) -> Path:
        output = store_output(out, entries[at].store, Layout.csv).output
        run(
            store_config(config, entries[at], output, Layout.csv),
            shared=Shared(catalog, engine, source=source),
        )
        return output

    with engine.sharing() as shared:
        ahead = StoresAhead(entries, config, out, Layout.csv, shared)
        ahead.send(1)  # no workers before the first run: nothing is read or sent
        assert ahead.take(1) is None and not shared.early
        store_run(0)
        first = shared.decided
        ahead.send(1)
        read = ahead.take(1)
        assert read is not None and ahead.take(2) is None  # the missing export is left
        table = read.category_table
        usable = len(read_feed()) - 1  # one record of the example is rejected by its source
        assert len(shared.early[table]) == usable  # every renamed record is new
        output = store_run(1, read)
        assert not shared.early[table]  # the run took every decision sent ahead ...
        assert shared.decided - first == usable  # ... and counted them as its own
        alone = tmp_path / "renamed-alone.csv"
        run(RunConfig(pos=entries[1].pos, catalog=str(CATALOG), out=alone))
        assert output.read_bytes() == alone.read_bytes()
        ahead.send(3)  # answered by the cache: read, nothing sent
        assert ahead.take(3) is not None and not shared.early[table]


def outputs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if "report" not in p.name}


def figures(report: Any) -> str:
    data = report.as_dict()
    for store in data["per_store"]:
        store.pop("seconds")
    data.pop("seconds")
    data.pop("records_per_second")
    return json.dumps(data)


def test_the_sync_writes_what_it_writes_without_reading_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entries = network(tmp_path)
    results = []
    for stores_ahead in (ahead_module.AHEAD_STORES, 0):
        monkeypatch.setattr(ahead_module, "AHEAD_STORES", stores_ahead)
        out = tmp_path / f"out-{stores_ahead}"
        config = RunConfig(pos=out, catalog=str(CATALOG), out=out, engine_options={"workers": 2})
        report = sync_network(entries, config, out)
        assert [s.status for s in report.stores] == ["ok", "ok", "failed", "ok"]
        results.append((outputs(out), figures(report).replace(str(out), "OUT")))
    assert results[0] == results[1]


def test_with_a_decision_store_the_next_store_is_read_while_one_is_synced(
    tmp_path: Path,
) -> None:
    entries = network(tmp_path)
    out = tmp_path / "out"
    config = RunConfig(pos=out, catalog=str(CATALOG), out=out, decisions=str(tmp_path / "d.db"))
    ahead = NextStoreRead(entries, config, out, Layout.csv)
    ahead.send(1)  # nothing is sent: there are no workers to send to
    assert ahead.take(0) is None  # the first store is its run's to read
    read = ahead.take(1)  # read meanwhile
    assert read is not None and read.path == entries[1].pos
    fresh = JaneJsonSource(entries[1].pos).records()
    assert [r.pos_id for r in read.records()] == [r.pos_id for r in fresh]
    assert read.read_digest() is not None  # read whole: its run's feed key is of these bytes
    assert ahead.take(2) is None  # the missing export is left to its run, which reports it
    assert ahead.take(3) is not None
    assert ahead.take(2) is None  # not the store read ahead: its run reads it


def test_with_a_decision_store_the_sync_writes_what_it_writes_without_reading_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entries = network(tmp_path)
    changed = [*entries[:3], entry("again", write_feed(tmp_path / "again2.json", read_feed()[3:]))]
    results = []
    for stores_ahead in (ahead_module.AHEAD_STORES, 0):
        monkeypatch.setattr(ahead_module, "AHEAD_STORES", stores_ahead)
        store = str(tmp_path / f"d-{stores_ahead}.db")
        for n, stores in enumerate((entries, changed, changed)):
            out = tmp_path / f"out-{stores_ahead}-{n}"
            config = RunConfig(pos=out, catalog=str(CATALOG), out=out, decisions=store)
            report = sync_network(stores, config, out)
            assert [s.status for s in report.stores] == ["ok", "ok", "failed", "ok"]
            # The first sync decides all; the second reuses the unchanged stores' decisions
            # and decides the changed store's; the third, of the same exports, decides none.
            reused, decided = report.totals.reused, report.decisions
            assert (reused > 0, decided > 0) == ((False, True), (True, True), (True, False))[n]
            results.append((outputs(out), figures(report).replace(str(out), "OUT")))
    assert results[:3] == results[3:]
