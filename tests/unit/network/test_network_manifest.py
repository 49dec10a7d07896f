"""The sync manifest: TOML and CSV, a store's own problems kept with it, a bad manifest refused."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from poslink.exceptions import ConfigError
from poslink.network.manifest import StoreEntry, read_manifest

TOML = """
[defaults]
source = "csv"
options = { columns = { id = "SKU", name = "Name" } }

[[store]]
id = "north"
pos = "exports/north.csv"

[[store]]
id = "south"
source = "jane-json"
pos = "s3a://bucket/south.json"
options = {}
"""


def test_toml_defaults_and_per_store_values(tmp_path: Path) -> None:
    path = tmp_path / "stores.toml"
    path.write_text(TOML)
    north, south = read_manifest(path)
    assert north == StoreEntry(
        "north",
        "csv",
        tmp_path / "exports/north.csv",
        {"columns": {"id": "SKU", "name": "Name"}},
        6,  # the line of its [[store]] header
    )
    assert (south.source, south.pos, south.options, south.problem, south.line) == (
        "jane-json",
        "s3a://bucket/south.json",
        {},
        "",
        10,
    )


def test_csv_with_json_options(tmp_path: Path) -> None:
    path = tmp_path / "stores.csv"
    options = json.dumps({"columns": {"id": "SKU", "name": "Name"}}).replace('"', '""')
    path.write_text(f'Store,POS,Source,Options\nnorth,n.csv,csv,"{options}"\n\nsouth,s.json,,\n')
    north, south = read_manifest(path)
    assert (north.store, north.source, north.pos, north.line) == (
        "north",
        "csv",
        tmp_path / "n.csv",
        2,
    )
    assert north.options == {"columns": {"id": "SKU", "name": "Name"}}
    assert (south.store, south.source, south.options, south.line) == ("south", "jane-json", {}, 4)


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        ("a,x.json\na,y.json\n", "store id given twice (first on line 2)"),
        (",x.json\n", "no store id"),
        ("a b,x.json\n", "letters, digits"),
        ("../up,x.json\n", "letters, digits"),
        ("a,\n", "no export (pos)"),
        ("a,x\x00.json\n", "no export (pos)"),
    ],
)
def test_a_stores_problem_stays_with_it(tmp_path: Path, rows: str, problem: str) -> None:
    path = tmp_path / "stores.csv"
    path.write_text("store,pos\n" + rows)
    assert problem in read_manifest(path)[-1].problem


def test_bad_options_are_the_stores_problem(tmp_path: Path) -> None:
    path = tmp_path / "stores.csv"
    deep = "[" * 3000 + "]" * 3000
    path.write_text(f'store,pos,options\na,x.json,"{{not json"\nb,y.json,"[1]"\nc,z.json,{deep}\n')
    a, b, c = read_manifest(path)
    assert a.problem.startswith("options are not a JSON object")
    assert b.problem == "options must be a table (a JSON object in CSV)"
    # Nested beyond what the (recursive) json module reads: that store's problem too.
    assert c.problem == "options are not a JSON object: nested too deeply"


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("m.toml", "[[store]\n", "not valid TOML"),
        ("m.toml", "x = " + "[" * 3000 + "]" * 3000 + "\n", "not valid TOML"),
        ("m.toml", "[stores]\nid = 1\n", "unknown table 'stores'"),
        ("m.toml", "", "lists no store"),
        ("m.csv", "id,path\na,b\n", "needs the columns store and pos"),
        ("m.csv", "store,pos\n", "lists no store"),
        ("m.csv", "store,pos\na," + "x" * 200_000 + "\n", "not a readable CSV manifest"),
    ],
)
def test_an_unusable_manifest_is_a_configuration_error(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        read_manifest(path)


def test_a_huge_value_is_refused_whatever_the_process_csv_limit(tmp_path: Path) -> None:
    # Another part of the program (a generator reading long descriptions) may raise the csv
    # module's process-wide limit; the manifest's own bound must not depend on it.
    path = tmp_path / "m.csv"
    path.write_text("store,pos\na," + "x" * 200_000 + "\n")
    before = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)
    try:
        with pytest.raises(ConfigError, match="longer than 131,072 characters"):
            read_manifest(path)
    finally:
        csv.field_size_limit(before)


def test_a_missing_manifest(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such manifest"):
        read_manifest(tmp_path / "nope.toml")


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from('ab,"\n\r\x00{} .'), max_size=300) | st.text(max_size=300))
def test_any_csv_text_is_read_or_refused_with_one_error(text: str) -> None:
    # Outside input: never an exception other than ConfigError, every store with an id.
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "stores.csv"
        path.write_text(text, encoding="utf-8")
        try:
            entries = read_manifest(path)
        except ConfigError:
            return
        assert entries and all(e.store for e in entries)
