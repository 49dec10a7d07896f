"""The network report's figures (gathered with Arrow compute), its JSON and table, and its HTML
page opened offline in a real headless browser."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa

from helpers.browser import chromium
from poslink.network.page import render_page
from poslink.network.report import NetworkReport, ReportBuilder, StoreResult


def batch(rows: list[tuple[str, str | None, str, float | None]]) -> pa.Table:
    names, cats, statuses, scores = zip(*rows, strict=True)
    return pa.table(
        {
            "name": list(names),
            "category": list(cats),
            "match_status": list(statuses),
            "match_score": pa.array(scores, pa.float64()),
        }
    )


def network() -> NetworkReport:
    builder = ReportBuilder()
    builder.add_batch(
        batch(
            [
                ("Blue Dream 1g", "Flower", "no_match", 0.31),
                ("Tangie Cart", "Vape", "matched", 0.97),
                ("", "Vape", "rejected", None),
                ("", None, "rejected", None),  # rejected before its category was read
            ]
        ),
        "category",
    )
    builder.add_batch(batch([("GELATO  x", "Flower", "ambiguous", 0.55)]), "category")
    builder.end_store(
        StoreResult(
            "north",
            "jane-json",
            "n.json",
            records=4,
            matched=1,
            no_match=1,
            ambiguous=1,
            rejected=1,
            seconds=0.5,
        )
    )
    builder.add_batch(
        batch([("blue dream 1G ", None, "no_match", 0.2), ("Tangie Cart", None, "matched", 1.0)]),
        None,
    )
    builder.end_store(
        StoreResult("south", "csv", "s.csv", records=2, matched=1, no_match=1, seconds=0.25)
    )
    # A failed store's partial figures are left out.
    builder.add_batch(batch([("Half Read", "Flower", "no_match", 0.1)]), "category")
    builder.fail_store(StoreResult("west", "csv", "w.csv", error="w.csv: line 3: not CSV"))
    return builder.build(1.0, catalog_version="20:5403:abc", decisions=5)


def test_figures_per_store_source_category_and_score() -> None:
    report = network()
    data = report.as_dict()
    assert (data["stores"], data["failed"], data["records"], data["matched"]) == (3, 1, 6, 2)
    assert data["match_rate"] == round(2 / 5, 4)  # rejected records are not usable
    # Every rate is ids over usable records: a source's is its stores' match rate.
    assert data["per_source"] == {
        "csv": {"records": 2, "matched": 1, "stores": 1, "rejected": 0, "rate": 0.5},
        "jane-json": {"records": 4, "matched": 1, "stores": 1, "rejected": 1, "rate": 0.3333},
    }
    assert data["per_source"]["jane-json"]["rate"] == data["per_store"][0]["match_rate"]
    # Categories count what the source says, over every store that has the column.
    assert data["per_category"]["Flower"] == {
        "records": 2, "matched": 0, "stores": 1, "rejected": 0, "rate": 0.0
    }  # fmt: skip
    assert data["per_category"]["Vape"] == {
        "records": 2, "matched": 1, "stores": 1, "rejected": 1, "rate": 1.0
    }  # fmt: skip
    assert data["per_category"]["(none)"] == {
        "records": 1, "matched": 0, "stores": 1, "rejected": 1, "rate": 0.0
    }  # fmt: skip
    assert "Half Read" not in json.dumps(data)
    # Tenths of match_score: ids given at 0.97 and 1.0; blanks at 0.2, 0.31 and 0.55.
    assert data["histogram"]["given"][9] == 2 and sum(data["histogram"]["given"]) == 2
    assert [data["histogram"]["blank"][i] for i in (2, 3, 5)] == [1, 1, 1]
    # One name in two spellings, carried by two stores, comes first.
    assert data["unmatched"][0] == {"name": "blue dream 1g", "records": 2, "stores": 2}
    assert [s["status"] for s in data["per_store"]] == ["ok", "ok", "failed"]


def test_the_table_shows_failed_stores_first_and_says_what_is_left_out() -> None:
    text = network().to_text(limit=1)
    lines = text.splitlines()
    assert lines[0].startswith("3 stores (1 failed), 6 records: 2 matched")
    stores = lines[lines.index(next(line for line in lines if line.startswith("store"))) + 1 :]
    assert stores[0].startswith("west") and "FAILED: w.csv: line 3: not CSV" in stores[0]
    assert stores[1].startswith("north")  # the lowest match rate
    assert stores[2] == "... 1 more stores in the JSON and HTML reports"


def test_the_page_opens_offline_with_its_charts(tmp_path: Path) -> None:
    report = network()
    page = tmp_path / "report.html"
    html = render_page(report)
    page.write_text(html, encoding="utf-8")
    # Nothing to fetch: no external script, style, image or font.
    assert "src=" not in html and "<link" not in html and "url(" not in html
    with chromium() as browser:
        browser.get(page.as_uri())
        assert browser.title == "poslink: network sync"
        figures = {
            e.get_attribute("data-figure"): e.find_element("css selector", "b").text
            for e in browser.find_elements("css selector", ".figure")
        }
        assert figures["stores"] == "3" and figures["match rate"] == "40.0%"
        bars = browser.find_elements("css selector", "#per-store g")
        assert [b.get_attribute("data-label") for b in bars] == ["west", "north", "south"]
        assert bars[0].find_element("css selector", "rect").get_attribute("class") == "fail"
        # A category of rejected records only has no rate to chart.
        cats = browser.find_elements("css selector", "#per-category g")
        assert sorted(str(c.get_attribute("data-label")) for c in cats) == ["Flower", "Vape"]
        bins = browser.find_elements("css selector", "#histogram g")
        assert len(bins) == 10 and bins[9].get_attribute("data-given") == "2"
        # The store table sorts by a column when its header is clicked (inline script).
        header = browser.find_elements("css selector", "#stores th")[2]
        header.click()
        first = browser.find_elements("css selector", "#stores tbody tr")[0]
        assert first.get_attribute("data-store") == "west"  # 0 records
        header.click()
        first = browser.find_elements("css selector", "#stores tbody tr")[0]
        assert first.get_attribute("data-store") == "north"  # 4 records
        logs = browser.get_log("browser")  # type: ignore[no-untyped-call]
        assert not [entry for entry in logs if entry["level"] == "SEVERE"], logs
