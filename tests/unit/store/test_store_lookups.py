"""The decision store's look-ups a network sync makes once per store instead of once per record.

Both stores: a SQLite file and a database on a throw-away PostgreSQL server.
"""

from __future__ import annotations

import dataclasses
import gc
from pathlib import Path

import sqlalchemy as sa

from helpers import storehelp
from helpers.storehelp import COUNTING, read_feed, write_feed
from poslink.catalogs import open_catalog
from poslink.matching import CatalogIndex
from poslink.pipeline import RunConfig, run
from poslink.store import basis, schema
from poslink.store.db import DecisionStore


def test_one_stores_decisions_in_one_query_are_the_per_record_ones(
    tmp_path: Path, decisions: str
) -> None:
    feed = read_feed()
    pos = write_feed(tmp_path / "pos.json", feed)
    for store_id in ("north", "south"):
        config = RunConfig(
            pos=pos,
            catalog=str(storehelp.EXAMPLE_CATALOG),
            out=tmp_path / f"{store_id}.csv",
            engine=COUNTING,
            decisions=decisions,
            store_id=store_id,
        )
        run(config)
    with DecisionStore(decisions) as store:
        rows = store.decisions()
        (source, rules), *others = {(r["source"], r["rules"]) for r in rows}
        assert not others
        every = store.load(source, rules)
        north = store.load_store(source, rules, "north")
        assert north == {p: d for (s, p), d in every.items() if s == "north"}
        assert north == {p: d for (_, p), d in store.load(source, rules, "north").items()}
        assert len(north) == len({r["pos_id"] for r in rows if r["store"] == "north"}) > 20
        # Each record's decision as stored, field by field.
        for r in rows:
            if r["store"] == "north":
                kept = north[r["pos_id"]]._asdict()
                assert kept == {k: r[k] for k in kept}
        assert store.load_store(source, rules, "west") == {}
        assert store.load_store(source, "other rules", "north") == {}


def test_brands_hash_is_worked_out_once_per_brand_index() -> None:
    index = CatalogIndex.build(open_catalog(str(storehelp.EXAMPLE_CATALOG)).products())
    first = basis.brands_hash(index.brands)
    assert first == basis._hash_brands(index.brands)
    assert basis._BRANDS_HASHES[id(index.brands)] == first
    # Another index of other aliases (what teaching makes) has its own hash.
    other = dataclasses.replace(index.brands, aliases={**index.brands.aliases, "zz top": "zz"})
    assert basis.brands_hash(other) == basis._hash_brands(other) != first
    # An index no longer used takes its entry with it.
    key = id(other)
    del other
    gc.collect()
    assert key not in basis._BRANDS_HASHES


def _run_indexes(store: DecisionStore) -> set[str]:
    with store.engine.connect() as con:
        return {str(i["name"]) for i in sa.inspect(con).get_indexes(schema.runs.name)}


def test_runs_are_found_by_feed_through_an_index_made_when_missing(decisions: str) -> None:
    with DecisionStore(decisions) as store:
        assert schema.runs_by_feed.name in _run_indexes(store)
        with store.writing() as con:  # a store made before the index
            schema.runs_by_feed.drop(con)
        assert schema.runs_by_feed.name not in _run_indexes(store)
    with DecisionStore(decisions) as store:
        assert schema.runs_by_feed.name in _run_indexes(store)
