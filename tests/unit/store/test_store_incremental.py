"""Incremental runs: only new or changed records are matched; the output is the same either way.

Every test runs on both stores: a SQLite file and a database on a throw-away PostgreSQL server.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from helpers import make_catalog, storehelp
from helpers.storehelp import (
    COUNTING,
    CountingEngine,
    read_feed,
    sources,
    without_source,
    write_feed,
)
from poslink.catalogs import open_catalog
from poslink.matching import CatalogIndex
from poslink.pipeline import RunConfig, RunSummary, run
from poslink.sources.jane_json import JaneJsonSource
from poslink.store.db import DecisionStore

BAD = "9503"  # the example's unusable record: set aside by the source, never matched or stored


def go(
    pos: Path, catalog: Path, out: Path, decisions: str | None = None, **options: Any
) -> tuple[RunSummary, list[str]]:
    """One run with the counting engine; its summary and the POS ids the engine matched."""
    CountingEngine.seen.clear()
    CountingEngine.runs.clear()
    config = RunConfig(
        pos=pos, catalog=str(catalog), out=out, engine=COUNTING, decisions=decisions, **options
    )
    summary = run(config)
    return summary, list(CountingEngine.seen)


def test_second_run_matches_nothing_and_writes_the_same(tmp_path: Path, decisions: str) -> None:
    plain, _ = go(storehelp.EXAMPLE_POS, storehelp.EXAMPLE_CATALOG, tmp_path / "plain.csv")
    first, seen1 = go(
        storehelp.EXAMPLE_POS, storehelp.EXAMPLE_CATALOG, tmp_path / "a.csv", decisions
    )
    (tmp_path / "a.csv").unlink()  # no earlier output to reuse: record by record
    second, seen2 = go(
        storehelp.EXAMPLE_POS, storehelp.EXAMPLE_CATALOG, tmp_path / "b.csv", decisions
    )
    assert len(seen1) == 28 and BAD not in seen1 and first.reused == 0
    assert seen2 == []
    assert second.reused == 28 and second.rejected == 1
    # The same output, but that every decision is said to be reused.
    assert without_source(tmp_path / "b.csv") == without_source(tmp_path / "plain.csv")
    assert sources(tmp_path / "b.csv") == {"reused", ""}
    assert (second.matched, second.no_match, second.ambiguous, second.rejected) == (
        plain.matched,
        plain.no_match,
        plain.ambiguous,
        plain.rejected,
    )


def test_unchanged_feed_and_catalog_build_no_index(
    tmp_path: Path, decisions: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    go(storehelp.EXAMPLE_POS, storehelp.EXAMPLE_CATALOG, tmp_path / "1.csv", decisions)
    assert CountingEngine.runs == [len(storehelp.catalog_rows())]
    built: list[int] = []
    build = CatalogIndex.build.__func__  # type: ignore[attr-defined]

    def counted_build(cls: type[CatalogIndex], *args: Any, **kwargs: Any) -> CatalogIndex:
        built.append(1)
        return build(cls, *args, **kwargs)  # type: ignore[no-any-return]

    monkeypatch.setattr(CatalogIndex, "build", classmethod(counted_build))
    (tmp_path / "1.csv").unlink()  # record by record, not the earlier output
    summary, seen = go(
        storehelp.EXAMPLE_POS, storehelp.EXAMPLE_CATALOG, tmp_path / "2.csv", decisions
    )
    assert summary.reused == 28 and not summary.output_reused
    assert (seen, CountingEngine.runs, built) == ([], [], [])
    # One changed record: the index is built and the engine runs, for that record only.
    feed = read_feed()
    feed[4] = {**feed[4], "productName": "Velvet Moon Vaporizer CARTRIDGE -0.5g- Emerald Coast"}
    pos = write_feed(tmp_path / "pos.json", feed)
    summary, seen = go(pos, storehelp.EXAMPLE_CATALOG, tmp_path / "3.csv", decisions)
    assert seen == [str(feed[4]["productId"])] and built == [1]
    assert summary.reused == 27


def test_only_changed_records_are_matched(tmp_path: Path, decisions: str) -> None:
    feed = read_feed()
    go(
        write_feed(tmp_path / "pos.json", feed),
        storehelp.EXAMPLE_CATALOG,
        tmp_path / "1.csv",
        decisions,
    )
    changed = [dict(r) for r in feed]
    changed[0]["productName"] = "Velvet Moon Vaporizer CARTRIDGE -0.5g- Emerald Coast"
    changed[5]["category"] = "Concentrates"
    changed[9]["quantityAvailable"] = 999  # not read by matching: no new match
    changed.append({**feed[3], "productId": 777001})  # a new key
    del changed[12]  # gone from the feed
    pos = write_feed(tmp_path / "pos.json", changed)
    summary, seen = go(pos, storehelp.EXAMPLE_CATALOG, tmp_path / "2.csv", decisions)
    expected = sorted(str(r["productId"]) for r in (changed[0], changed[5], changed[-1]))
    assert sorted(seen) == expected
    assert summary.reused == len(changed) - 4
    go(pos, storehelp.EXAMPLE_CATALOG, tmp_path / "plain.csv")
    assert without_source(tmp_path / "2.csv") == without_source(tmp_path / "plain.csv")
    assert sources(tmp_path / "2.csv") == {"matcher", "reused", ""}


def test_full_matches_everything_again(tmp_path: Path, decisions: str) -> None:
    go(storehelp.EXAMPLE_POS, storehelp.EXAMPLE_CATALOG, tmp_path / "1.csv", decisions)
    summary, seen = go(
        storehelp.EXAMPLE_POS, storehelp.EXAMPLE_CATALOG, tmp_path / "2.csv", decisions, full=True
    )
    assert len(seen) == 28 and summary.reused == 0
    assert (tmp_path / "1.csv").read_bytes() == (tmp_path / "2.csv").read_bytes()


def brand_of_records(pos: Path, catalog: Path) -> dict[str, str]:
    """The catalog brand key each usable record is read as (worked out independently)."""
    index = CatalogIndex.build(open_catalog(str(catalog)).products())
    parser = index.parser()
    out = {}
    for record in JaneJsonSource(pos).records():
        if hasattr(record, "name") and not hasattr(record, "reason"):
            item = parser.parse_pos(record.name, record.category)
            out[record.pos_id] = item.brand or ""
    return out


def test_catalog_change_rematches_only_the_changed_brand(tmp_path: Path, decisions: str) -> None:
    rows = storehelp.catalog_rows()
    go(storehelp.EXAMPLE_POS, make_catalog(tmp_path / "c1.db", rows), tmp_path / "1.csv", decisions)
    grown = make_catalog(
        tmp_path / "c2.db",
        [*rows, (5199, "", "Sunny Valley Farms", "indica", "grape escape", "pre-roll", "")],
    )
    _, seen = go(storehelp.EXAMPLE_POS, grown, tmp_path / "2.csv", decisions)
    brands = brand_of_records(storehelp.EXAMPLE_POS, grown)
    # Its brand's records, and those without a brand: they meet every brand's products.
    affected = sorted(p for p, b in brands.items() if b in ("sunny valley farms", ""))
    assert "" in brands.values() and len(affected) < len(brands)
    assert sorted(seen) == affected
    go(storehelp.EXAMPLE_POS, grown, tmp_path / "plain.csv")
    assert without_source(tmp_path / "2.csv") == without_source(tmp_path / "plain.csv")
    # The carried-over decisions now hold for the new catalog: nothing is matched again.
    (tmp_path / "2.csv").unlink()
    again, seen = go(storehelp.EXAMPLE_POS, grown, tmp_path / "3.csv", decisions)
    assert seen == [] and again.reused == 28


def test_catalog_change_rematches_records_without_a_brand(tmp_path: Path, decisions: str) -> None:
    rows = storehelp.catalog_rows()
    go(storehelp.EXAMPLE_POS, make_catalog(tmp_path / "c1.db", rows), tmp_path / "1.csv", decisions)
    # "Blue Lagoon -3.5g- Tidewater Gardens" names no catalog brand: it meets every product,
    # so a product of any brand may change its decision.
    grown = make_catalog(
        tmp_path / "c2.db",
        [*rows, (5499, "", "Quartz Labs", "", "blue lagoon tidewater gardens", "flower", "")],
    )
    _, seen = go(storehelp.EXAMPLE_POS, grown, tmp_path / "2.csv", decisions)
    assert "9501" in seen
    go(storehelp.EXAMPLE_POS, grown, tmp_path / "plain.csv")
    out = (tmp_path / "2.csv").read_text()
    assert without_source(tmp_path / "2.csv") == without_source(tmp_path / "plain.csv")
    line = r",9501,Blue Lagoon -3\.5g- Tidewater Gardens,12\.0,5499,0\.\d{4},matched,matcher"
    assert re.search(line, out)


def test_catalog_with_a_new_brand_rematches_everything(tmp_path: Path, decisions: str) -> None:
    rows = storehelp.catalog_rows()
    go(storehelp.EXAMPLE_POS, make_catalog(tmp_path / "c1.db", rows), tmp_path / "1.csv", decisions)
    # A new brand brings new aliases: any record could now be read as that brand.
    grown = make_catalog(
        tmp_path / "c2.db", [*rows, (6001, "", "Moonbeam Gardens", "", "star dust", "flower", "")]
    )
    _, seen = go(storehelp.EXAMPLE_POS, grown, tmp_path / "2.csv", decisions)
    assert len(seen) == 28  # every usable record


def test_changed_matcher_settings_rematch_everything(tmp_path: Path, decisions: str) -> None:
    from poslink.config import MatcherConfig

    go(storehelp.EXAMPLE_POS, storehelp.EXAMPLE_CATALOG, tmp_path / "1.csv", decisions)
    _, seen = go(
        storehelp.EXAMPLE_POS,
        storehelp.EXAMPLE_CATALOG,
        tmp_path / "2.csv",
        decisions,
        matcher=MatcherConfig(threshold=0.9),
    )
    assert len(seen) == 28


def test_store_id_keeps_stores_apart(tmp_path: Path, decisions: str) -> None:
    feed = read_feed()
    pos = write_feed(tmp_path / "pos.json", feed)
    go(pos, storehelp.EXAMPLE_CATALOG, tmp_path / "1.csv", decisions, store_id="north")
    _, seen = go(pos, storehelp.EXAMPLE_CATALOG, tmp_path / "2.csv", decisions, store_id="south")
    assert len(seen) == 28  # the same POS ids at another store are other records
    with DecisionStore(decisions) as store:
        stores = {d["store"] for d in store.decisions()}
    assert stores == {"north", "south"}


def test_decisions_record_the_catalog_version(tmp_path: Path, decisions: str) -> None:
    go(storehelp.EXAMPLE_POS, storehelp.EXAMPLE_CATALOG, tmp_path / "1.csv", decisions)
    index = CatalogIndex.build(open_catalog(str(storehelp.EXAMPLE_CATALOG)).products())
    with DecisionStore(decisions) as store:
        rows = store.decisions()
        runs = store.runs()
    assert len(rows) == 28
    assert {r["catalog_version"] for r in rows} == {index.version}
    count, maxid, _ = index.version.split(":")
    assert (count, maxid) == ("20", "5403")
    assert [r["catalog_version"] for r in runs] == [index.version]


def test_unchanged_feed_reuses_the_output(tmp_path: Path, decisions: str) -> None:
    go(storehelp.EXAMPLE_POS, storehelp.EXAMPLE_CATALOG, tmp_path / "1.csv", decisions)
    rejects = tmp_path / "1.rejects.csv"
    summary, seen = go(
        storehelp.EXAMPLE_POS, storehelp.EXAMPLE_CATALOG, tmp_path / "2.csv", decisions
    )
    assert seen == []  # not even the unusable record: the whole output is the earlier one
    assert summary.output_reused and summary.reused == 28 and summary.rejected == 1
    assert (tmp_path / "2.csv").read_bytes() == (tmp_path / "1.csv").read_bytes()
    assert (tmp_path / "2.rejects.csv").read_bytes() == rejects.read_bytes()
    # An earlier output that was edited since is not reused.
    expected = (tmp_path / "1.csv").read_bytes()
    (tmp_path / "2.csv").write_text("edited\n")
    (tmp_path / "1.csv").write_text("edited\n")
    again, seen = go(
        storehelp.EXAMPLE_POS, storehelp.EXAMPLE_CATALOG, tmp_path / "3.csv", decisions
    )
    assert seen == [] and not again.output_reused and again.reused == 28
    assert (tmp_path / "3.csv").read_bytes() == expected.replace(b",matcher\r\n", b",reused\r\n")


def test_feed_repeating_a_key_keeps_the_last(tmp_path: Path, decisions: str) -> None:
    feed = read_feed()
    twice = [*feed, {**feed[0], "productName": feed[1]["productName"]}]
    pos = write_feed(tmp_path / "pos.json", twice)
    go(pos, storehelp.EXAMPLE_CATALOG, tmp_path / "1.csv", decisions)
    go(pos, storehelp.EXAMPLE_CATALOG, tmp_path / "plain.csv")
    assert (tmp_path / "1.csv").read_bytes() == (tmp_path / "plain.csv").read_bytes()
    (tmp_path / "1.csv").unlink()
    go(pos, storehelp.EXAMPLE_CATALOG, tmp_path / "2.csv", decisions)
    assert without_source(tmp_path / "2.csv") == without_source(tmp_path / "plain.csv")
    # The first record of the repeated key differs from the stored (last) one: matched again.
    assert sources(tmp_path / "2.csv") == {"matcher", "reused", ""}


def test_store_of_another_schema_version_is_refused(tmp_path: Path) -> None:
    from poslink.exceptions import StoreError

    path = tmp_path / "d.db"
    DecisionStore(str(path)).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE poslink_meta SET value = '99' WHERE name = 'schema_version'")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="schema 99"):
        DecisionStore(str(path))


def test_store_in_a_missing_directory_is_an_error(tmp_path: Path) -> None:
    from poslink.exceptions import StoreError

    with pytest.raises(StoreError, match="no such directory"):
        DecisionStore(str(tmp_path / "nope" / "d.db"))


def test_catalog_change_rematches_a_name_another_brand_now_has(
    tmp_path: Path, decisions: str
) -> None:
    # "Quartz Haze Vape Cart" reads as Quartz Labs ("Quartz" first). Once another brand has a
    # product of exactly that name, it is that product (the name read past its brand): the
    # decision depends on a product outside the record's brand block.
    feed = [
        *read_feed(),
        {**read_feed()[0], "productId": 9601, "productName": "Quartz Haze Vape Cart"},
    ]
    pos = write_feed(tmp_path / "pos.json", feed)
    rows = storehelp.catalog_rows()
    go(pos, make_catalog(tmp_path / "c1.db", rows), tmp_path / "1.csv", decisions)
    grown = make_catalog(
        tmp_path / "c2.db",
        [*rows, (5601, "", "Emerald Coast Extracts", "", "quartz haze vape cart", "vape", "")],
    )
    assert brand_of_records(pos, grown)["9601"] == "quartz labs"
    _, seen = go(pos, grown, tmp_path / "2.csv", decisions)
    assert "9601" in seen
    go(pos, grown, tmp_path / "plain.csv")
    assert without_source(tmp_path / "2.csv") == without_source(tmp_path / "plain.csv")
    assert re.search(r",9601,Quartz Haze Vape Cart,[^,]*,5601,", (tmp_path / "2.csv").read_text())
    # And back: the product gone, the record's decision is its brand's again.
    go(pos, make_catalog(tmp_path / "c3.db", rows), tmp_path / "3.csv", decisions)
    go(pos, make_catalog(tmp_path / "c4.db", rows), tmp_path / "plain3.csv")
    assert without_source(tmp_path / "3.csv") == without_source(tmp_path / "plain3.csv")
