"""The catalog index a sync with a decision store keeps beside it (``network/kept.py``): kept
by the sync that builds it, loaded by the next, built again when it does not fit."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from helpers import storehelp
from helpers.storehelp import read_feed, write_feed
from poslink.catalogs import open_catalog
from poslink.matching import CatalogIndex
from poslink.matching.saved import load_index
from poslink.network.kept import kept_index_path
from poslink.network.manifest import StoreEntry
from poslink.network.sync import sync_network
from poslink.pipeline import RunConfig


def synced(tmp_path: Path, catalog: Path, out: str, **options: str) -> dict[str, bytes]:
    """Sync two stores (the second with one record renamed at each call) into ``out``; the
    outputs."""
    feed = read_feed()
    feed[2] = {**feed[2], "productName": f"{feed[2]['productName']} {out}"}
    entries = [
        StoreEntry("north", "jane-json", write_feed(tmp_path / "north.json", read_feed()), {}),
        StoreEntry("south", "jane-json", write_feed(tmp_path / "south.json", feed), {}),
    ]
    folder = tmp_path / out
    config = RunConfig(pos=folder, catalog=str(catalog), out=folder, **options)
    report = sync_network(entries, config, folder)
    assert not report.failed
    return {p.name: p.read_bytes() for p in folder.glob("*.csv")}


def test_a_sync_keeps_its_index_and_the_next_loads_it(tmp_path: Path) -> None:
    store = tmp_path / "d.db"
    kept = kept_index_path(
        RunConfig(pos=tmp_path, catalog="c.db", out=tmp_path, decisions=str(store))
    )
    assert kept is not None and kept.parent == tmp_path
    assert kept.name.startswith("d.db.index-") and kept.suffix == ".json"
    earlier = tmp_path / "d.db.index-0123456789abcdef.json"  # what an earlier code kept
    earlier.write_text("{}", encoding="utf-8")
    synced(tmp_path, storehelp.EXAMPLE_CATALOG, "first", decisions=str(store))
    assert not earlier.exists()
    catalog = open_catalog(str(storehelp.EXAMPLE_CATALOG)).products()
    built = CatalogIndex.build(catalog)
    assert load_index(kept, built.version) == built
    written = kept.stat().st_mtime_ns
    again = synced(tmp_path, storehelp.EXAMPLE_CATALOG, "again", decisions=str(store))
    assert kept.stat().st_mtime_ns == written  # loaded, not built and written again
    # What the sync wrote with the kept index is what it writes with none kept.
    other = tmp_path / "other"
    other.mkdir()
    synced(other, storehelp.EXAMPLE_CATALOG, "first", decisions=str(other / "d.db"))
    for found in other.glob("*.index-*"):
        found.unlink()
    alone = synced(other, storehelp.EXAMPLE_CATALOG, "again", decisions=str(other / "d.db"))
    assert again == alone and b"reused" in again["south.csv"]


def test_a_kept_index_that_does_not_fit_is_built_again(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.db"
    shutil.copy(storehelp.EXAMPLE_CATALOG, catalog)
    store = tmp_path / "d.db"
    kept = kept_index_path(
        RunConfig(pos=tmp_path, catalog="c.db", out=tmp_path, decisions=str(store))
    )
    assert kept is not None
    kept.write_text("not an index", encoding="utf-8")
    synced(tmp_path, catalog, "first", decisions=str(store))
    first = kept.read_bytes()
    assert first.startswith(b'{"format":"poslink-index"')  # the unreadable one replaced
    with sqlite3.connect(catalog) as con:
        con.execute("UPDATE products SET name = name || ' x' WHERE rowid = 1")
    con.close()
    synced(tmp_path, catalog, "second", decisions=str(store))
    rebuilt = CatalogIndex.build(open_catalog(str(catalog)).products())
    assert kept.read_bytes() != first
    assert load_index(kept, rebuilt.version) == rebuilt


def test_no_index_is_kept_without_a_store_file_or_with_a_saved_index(tmp_path: Path) -> None:
    def where(**options: str) -> Path | None:
        return kept_index_path(RunConfig(pos=tmp_path, catalog="c.db", out=tmp_path, **options))

    assert where() is None
    assert where(decisions="postgresql+psycopg://u@db.example/store") is None
    assert where(decisions=str(tmp_path / "d.db"), index=str(tmp_path / "i.json")) is None
    synced(tmp_path, storehelp.EXAMPLE_CATALOG, "plain")
    assert not list(tmp_path.glob("*.index-*"))
