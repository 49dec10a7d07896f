"""Scale without changing a result: workers, the distinct-record cache, bulk scoring, the saved
index and streamed input give, row for row, what the straightforward path gives."""

from __future__ import annotations

import dataclasses
import gc
import json
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from helpers import SHARED, poslink, poslink_here
from poslink.catalogs import open_catalog
from poslink.cli.collector import YOUNG_THRESHOLD
from poslink.config import RunConfig
from poslink.domain.similarity import extract_many
from poslink.engines.base import match_record
from poslink.matching import CatalogIndex, Matcher
from poslink.matching.index import sorted_name
from poslink.matching.matcher import decision_key
from poslink.matching.saved import load_index, save_index
from poslink.pipeline import run
from poslink.records import CatalogProduct
from poslink.sinks.csv import CsvSink
from poslink.sources.jane_json import JaneJsonSource
from poslink_dev.synth import generate


@pytest.fixture(scope="module")
def workload(kushy: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A generated catalog and a repetitive feed, with a few unusable records mixed in."""
    folder = tmp_path_factory.mktemp("scale")
    work = generate(
        kushy, folder, n_products=12000, n_records=2500, seed=5, repetition=0.8, formats=("json",)
    )
    records = json.loads(work.pos_json.read_text(encoding="utf-8"))
    records[7] = {"productId": None, "productName": "x"}
    records[300] = "not a record"
    pos = folder / "pos-mixed.json"
    pos.write_text(json.dumps(records), encoding="utf-8")
    return pos, work.catalog, work.labels


def straightforward(pos: Path, catalog: Path, out: Path) -> None:
    """The reference: every record parsed and matched on its own, one process, no bulk."""
    index = CatalogIndex.build(open_catalog(str(catalog)).products())
    source = JaneJsonSource(pos)
    parser = index.parser(source.category_table)
    with CsvSink(out, source.fields) as sink:
        for record in source.records():
            match = match_record(record, parser, Matcher(index, cache_size=0))
            raw = record.raw if isinstance(record.raw, dict) else {}
            sink.write(raw, match)


def test_every_path_writes_the_straightforward_rows(
    workload: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    pos, catalog, _ = workload
    expected = tmp_path / "expected.csv"
    straightforward(pos, catalog, expected)
    index = tmp_path / "index.json"
    assert poslink("index", "build", "--catalog", catalog, "--out", index).returncode == 0
    for name, extra in (
        ("one", ["--workers", "1"]),
        ("two", ["--workers", "2"]),
        ("saved", ["--workers", "2", "--index", str(index)]),
    ):
        out = tmp_path / f"{name}.csv"
        run = poslink("run", "--pos", pos, "--catalog", catalog, "--out", out, "-q", *extra)
        assert run.returncode == 0, run.stderr
        assert "2 rejected" in run.stdout
        assert out.read_text() == expected.read_text(), name


def test_the_cache_meets_repeated_records(workload: tuple[Path, Path, Path]) -> None:
    """The feed repeats products (other sizes), so the cache has work to skip; else the
    equality above would not show that caching keeps results."""
    pos, catalog, _ = workload
    index = CatalogIndex.build(open_catalog(str(catalog)).products())
    parser = index.parser()
    keys = [
        decision_key(parser.parse_pos(r.name, r.category))
        for r in JaneJsonSource(pos).records()
        if not isinstance(r, Exception)
    ]
    assert len(set(keys)) < 0.9 * len(keys)


def test_saved_index_is_the_built_index(workload: tuple[Path, Path, Path], tmp_path: Path) -> None:
    _, catalog, _ = workload
    built = CatalogIndex.build(open_catalog(str(catalog)).products())
    save_index(built, tmp_path / "index.json")
    loaded = load_index(tmp_path / "index.json", built.version)
    assert loaded == built


@pytest.mark.parametrize(
    ("what", "message"),
    [
        ("catalog", "the catalog has changed since this index was built"),
        ("knowledge", "built with other domain tables"),
        # What a catalog name parses to is the code's too: a changed parser is another index.
        ("parsing", "built by other parsing code"),
    ],
)
def test_a_saved_index_is_refused_when_what_made_it_changed(
    workload: tuple[Path, Path, Path], tmp_path: Path, what: str, message: str
) -> None:
    # What the commands make of an index, not the process: they run in this one (a process
    # spent a second starting before it built the index).
    pos, catalog, _ = workload
    copy = tmp_path / "catalog.db"
    copy.write_bytes(catalog.read_bytes())
    index = tmp_path / "index.json"
    assert poslink_here("index", "build", "--catalog", copy, "--out", index).returncode == 0
    if what == "catalog":
        con = sqlite3.connect(copy)
        con.execute(
            "UPDATE products SET name = name || ' x' WHERE id = (SELECT min(id) FROM products)"
        )
        con.commit()
        con.close()
    else:
        data = json.loads(index.read_text(encoding="utf-8"))
        assert data[what]
        data[what] = "0" * 16
        index.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "out.csv"
    run = poslink_here("run", "--pos", pos, "--catalog", copy, "--out", out, "--index", index)
    assert run.returncode == 3  # a data error: the index does not fit
    assert message in run.stderr
    assert "poslink index build" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert not out.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not a poslink index (not JSON)"),
        ("[" * 5000 + "]" * 5000, "not a poslink index (not JSON)"),  # beyond the json module
        ('{"format": "something else"}', "not a poslink index"),
        ('{"format": "poslink-index", "format_version": 99}', "index format 99"),
    ],
)
def test_a_file_that_is_not_an_index_is_refused(
    workload: tuple[Path, Path, Path], tmp_path: Path, content: str, message: str
) -> None:
    pos, catalog, _ = workload
    index = tmp_path / "index.json"
    index.write_text(content)
    run = poslink_here(
        "run", "--pos", pos, "--catalog", catalog, "--out", tmp_path / "o.csv", "--index", index
    )
    assert run.returncode == 3  # a data error: the index does not fit
    assert message in run.stderr


words = st.sampled_from(["blue", "dream", "og", "kush", "haze", "gelato", "41", "x", "cake"])
names = st.lists(words, min_size=0, max_size=4).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(names, min_size=1, max_size=40),
    st.lists(names, min_size=1, max_size=70),
    st.sampled_from([50.0, 75.5, 83.0, 86.0, 88.0, 95.0]),
    st.integers(1, 5),
)
def test_extract_many_is_process_extract(
    queries: list[str], choices: list[str], cutoff: float, limit: int
) -> None:
    got = extract_many(queries, choices, cutoff, limit)
    for query, hits in zip(queries, got, strict=True):
        expected = process.extract(
            query, choices, scorer=fuzz.ratio, limit=limit, score_cutoff=cutoff
        )
        assert hits == [(score, i) for _, score, i in expected]


def test_gathering_by_words_decides_as_scoring_every_product(
    workload: tuple[Path, Path, Path],
) -> None:
    """A large brand's candidates are the products sharing a (mistyped) word with the record,
    and its generic ones; deciding on those gives what scoring every product of it gives."""
    pos, catalog, _ = workload
    index = CatalogIndex.build(open_catalog(str(catalog)).products())
    parser = index.parser()
    items = [
        parser.parse_pos(r.name, r.category)
        for r in JaneJsonSource(pos).records()
        if not isinstance(r, Exception)
    ]
    gathering, every = Matcher(index, score_all_to=0), Matcher(index, score_all_to=10**9)
    fewer = 0
    for item in items:
        assert gathering.assess(item)[:2] == every.assess(item)[:2], item
        if item.brand in index.blocks:
            fewer += len(gathering.candidates(item)) < len(every.candidates(item))
    assert fewer >= 10, "gathering never left a product out: the test proves nothing"


def test_an_index_parsed_on_several_processes_is_the_same(
    workload: tuple[Path, Path, Path],
) -> None:
    _, catalog, _ = workload
    products = list(open_catalog(str(catalog)).products())
    one = CatalogIndex.build(products, workers=1)
    assert len(one) == 12000
    for workers in (2, 3):
        assert CatalogIndex.build(products, workers=workers) == one


def test_the_library_leaves_the_collector_alone_and_the_command_line_sets_it(
    workload: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    pos, catalog, _ = workload
    before = gc.get_threshold()
    seen: list[tuple[int, int, int]] = []

    def products() -> Iterator[CatalogProduct]:
        seen.append(gc.get_threshold())
        yield from open_catalog(str(catalog)).products()

    CatalogIndex.build(products(), workers=1)
    config = RunConfig(
        pos=pos, catalog=str(catalog), out=tmp_path / "o.csv", engine_options={"workers": 1}
    )
    run(config, progress=lambda done: seen.append(gc.get_threshold()))
    assert len(seen) > 1 and set(seen) == {before} == {gc.get_threshold()}
    script = (
        "import gc, sys\nfrom poslink.cli import main\nsys.argv = ['poslink', '--version']\n"
        "try:\n    main()\nexcept SystemExit:\n    print(gc.get_threshold()[0])\n"
    )
    shown = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert shown.stdout.split()[-1] == str(YOUNG_THRESHOLD) != str(before[0]), shown


def test_exact_names_built_with_the_index_are_those_built_on_first_use(
    workload: tuple[Path, Path, Path],
) -> None:
    _, catalog, _ = workload
    built = CatalogIndex.build(open_catalog(str(catalog)).products())
    lazy = dataclasses.replace(built)  # the same index, its exact names not built yet
    assert built._exact is not None and lazy._exact is None
    names = {n for core in built.cores for n in (sorted_name(core), core.replace(" ", ""))}
    assert len(names) > 1000
    for name in names:
        assert built.exact_positions(name) == lazy.exact_positions(name), name
    assert lazy._exact is not None
    assert built._exact.keys() == lazy._exact.keys()


def test_bench_smoke(kushy: Path, tmp_path: Path) -> None:
    doc = tmp_path / "benchmarks.md"
    result = poslink(
        "bench",
        "--sizes",
        "tiny",
        # The service part has its own end-to-end test (tests/dev/test_service_bench.py).
        "--parts",
        "local,real,spark,repeat,network",
        "--work",
        tmp_path / "work",
        "--kushy",
        kushy,
        "--doc",
        doc,
        "--sample",
        "30",
        "--menus",
        SHARED / "menus-nm",
        "--challenge",
        SHARED / "challenge",
    )
    assert result.returncode == 0, result.stderr
    assert "machine:" in result.stdout
    # Each workload's row is printed once, as it is done, under one header.
    for label in ("400 products x 300 records, distinct", "400 products x 600 records, repeated"):
        row = rf"^\| {label} \| [\d,]+ \|"
        assert len(re.findall(row, result.stdout, re.MULTILINE)) == 1, result.stdout
    assert result.stdout.count("| workload | records/s |") == 1, result.stdout
    text = doc.read_text()
    # The command that took the figures, as given; the verdict says which tiers it judges.
    assert "`poslink bench --sizes tiny --parts local,real,spark,repeat,network`" in text
    assert "on every tier with products to give (exact, store), precision on every group" in text
    # The generated workloads per tier, and the labelled real data beside them.
    assert "### Generated workloads per tier" in text
    assert "| 400 products x 300 records, distinct | exact |" in text
    assert "| | store+store_none |" in text
    assert "## Labelled real data" in text
    assert re.search(r"^\| challenge \| [\d,]+ \| [\d.]+ \| all \| 77 \|", text, re.MULTILINE)
    if (SHARED / "menus-nm").exists():
        for name in ("menus, names only", "menus, names + Brand column"):
            assert f"| {name} | " in text
        assert "| | | | labelled+labelled_none | 903 |" in text
    assert "| 400 products x 300 records, distinct |" in text
    assert "| 400 products x 600 records, repeated |" in text
    row = next(line for line in text.splitlines() if "300 records, distinct" in line)
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert float(cells[1].replace(",", "")) > 0  # records/s
    assert 0.9 <= float(cells[5]) <= 1.0  # precision
