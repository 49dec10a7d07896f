"""Property: whatever changed in the feed and the catalog, an incremental run writes exactly what
a run without a store writes."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import make_catalog, storehelp
from helpers.storehelp import read_feed, sources, without_source, write_feed
from poslink.pipeline import RunConfig, run

FEED = read_feed()
ROWS = storehelp.catalog_rows()
NAMES = [r["productName"] for r in FEED] + ["Grape Escape PRE-ROLL -1g- Sunny Valley"]
CATEGORIES = sorted({r["category"] for r in FEED})
BRANDS = sorted({r[2] for r in ROWS})
TYPES = sorted({(r[5], r[6]) for r in ROWS})
# Names of products the example catalog lacks but its feed has (one of them without a brand).
PRODUCT_NAMES = [
    *sorted({r[4] for r in ROWS}),
    "harbor haze vaporizer cartridge",
    "blue lagoon tidewater gardens",
]

feed_edit = st.one_of(
    st.tuples(st.just("name"), st.integers(0, len(FEED) - 1), st.sampled_from(NAMES)),
    st.tuples(st.just("category"), st.integers(0, len(FEED) - 1), st.sampled_from(CATEGORIES)),
    st.tuples(st.just("quantity"), st.integers(0, len(FEED) - 1), st.integers(0, 99)),
    st.tuples(st.just("drop"), st.integers(0, len(FEED) - 1), st.none()),
    st.tuples(st.just("add"), st.integers(0, len(FEED) - 1), st.integers(1, 50)),
)
catalog_edit = st.one_of(
    st.tuples(st.just("drop"), st.integers(0, len(ROWS) - 1), st.none()),
    st.tuples(st.just("rename"), st.integers(0, len(ROWS) - 1), st.sampled_from(PRODUCT_NAMES)),
    # Edits inside one brand's products: the brand aliases stay, only that brand's block moves.
    st.tuples(st.just("retitle"), st.integers(0, len(ROWS) - 1), st.sampled_from(["", "reserve"])),
    st.tuples(st.just("retype"), st.integers(0, len(ROWS) - 1), st.sampled_from(TYPES)),
    st.tuples(st.just("rebrand"), st.integers(0, len(ROWS) - 1), st.sampled_from(BRANDS)),
    st.tuples(st.just("clone"), st.integers(0, len(ROWS) - 1), st.sampled_from(BRANDS)),
    st.tuples(st.just("copy"), st.integers(0, len(ROWS) - 1), st.sampled_from(PRODUCT_NAMES)),
    st.tuples(st.just("lineage"), st.integers(0, len(ROWS) - 1), st.sampled_from(["", "indica"])),
)


def edit_feed(edits: list[tuple[str, int, Any]]) -> list[dict[str, Any]]:
    feed = [dict(r) for r in FEED]
    for op, i, value in edits:
        if i >= len(feed):
            continue
        if op == "name":
            feed[i]["productName"] = value
        elif op == "category":
            feed[i]["category"] = value
        elif op == "quantity":
            feed[i]["quantityAvailable"] = value
        elif op == "drop":
            del feed[i]
        else:
            feed.append({**feed[i], "productId": 800000 + value})
    return feed


def edit_catalog(edits: list[tuple[str, int, Any]]) -> list[tuple[Any, ...]]:
    rows = [list(r) for r in ROWS]
    for n, (op, i, value) in enumerate(edits):
        if i >= len(rows):
            continue
        if op == "drop":
            del rows[i]
        elif op == "rename":
            rows[i][4] = value
        elif op == "retitle":
            rows[i][4] = f"{rows[i][4]} {value}" if value else rows[i][4].split()[0]
        elif op == "retype":
            rows[i][5:7] = value
        elif op == "rebrand":
            rows[i][2] = value
        elif op == "clone":  # the same product under another of the catalog's brands
            rows.append([9500 + n, rows[i][1], value, *rows[i][3:]])
        elif op == "copy":
            rows.append([9000 + n, *rows[i][1:4], value, *rows[i][5:]])
        else:
            rows[i][3] = value
    return [tuple(r) for r in rows]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(feed_edit, max_size=6),
    st.lists(catalog_edit, max_size=4),
    st.lists(feed_edit, max_size=6),
    st.lists(catalog_edit, max_size=4),
)
def test_incremental_output_equals_full_output(
    feed1: list[Any], cat1: list[Any], feed2: list[Any], cat2: list[Any]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        store = str(d / "decisions.db")
        for step, (f, c) in enumerate([(feed1, cat1), (feed1 + feed2, cat1 + cat2)]):
            pos = write_feed(d / "pos.json", edit_feed(f))  # one store: the same file name
            catalog = make_catalog(d / f"c{step}.db", edit_catalog(c))
            for out, decisions in ((d / f"inc{step}.csv", store), (d / f"full{step}.csv", None)):
                run(RunConfig(pos=pos, catalog=str(catalog), out=out, decisions=decisions))
            inc, full = d / f"inc{step}.csv", d / f"full{step}.csv"
            assert without_source(inc) == without_source(full)
            assert sources(full) <= {"matcher", ""} and sources(inc) <= {"matcher", "reused", ""}
