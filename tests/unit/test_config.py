"""The run configuration: file, environment and flags layered; errors name the key and place."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from poslink.config import Layer, load_run_config
from poslink.exceptions import ConfigError

BASE = 'pos = "in/pos.json"\ncatalog = "cat.db"\nout = "out.csv"\n'


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "run.toml"
    path.write_text(text, encoding="utf-8")
    return path


def flags(**values: object) -> Layer:
    layer = Layer("command line")
    for key, value in values.items():
        layer.set(tuple(key.split("__")), value, f"option --{key}")
    return layer


@pytest.mark.parametrize(
    ("env", "file", "flag", "expected"),
    [
        (None, None, None, 0.5),
        ("0.8", None, None, 0.8),
        ("0.8", "0.9", None, 0.9),
        (None, "0.9", None, 0.9),
        ("0.8", "0.9", 0.95, 0.95),
        ("0.8", None, 0.95, 0.95),
    ],
)
def test_precedence_flags_file_environment_defaults(
    tmp_path: Path, env: str | None, file: str | None, flag: float | None, expected: float
) -> None:
    text = BASE + (f"[matcher]\nthreshold = {file}\n" if file else "")
    environ = {"POSLINK_MATCHER__THRESHOLD": env} if env else {}
    layer = flags(matcher__threshold=flag) if flag is not None else None
    config = load_run_config(write(tmp_path, text), layer, environ)
    assert config.matcher.threshold == expected
    assert config.matcher.margin == 0.1


def test_paths_in_a_file_are_taken_from_its_folder(tmp_path: Path) -> None:
    text = (
        BASE
        + 'index = "index.json"\ndecisions = "decisions.db"\n'
        + '[source_options]\ncategory_table = "tables/mine.toml"\n'
    )
    (tmp_path / "tables").mkdir()
    (tmp_path / "tables/mine.toml").write_text('extends = "default"\n"bud" = ["flower"]\n')
    config = load_run_config(write(tmp_path, text), None, {})
    assert config.pos == tmp_path / "in/pos.json"
    assert config.catalog == str(tmp_path / "cat.db")
    assert config.out == tmp_path / "out.csv"
    assert config.index == tmp_path / "index.json"
    assert config.decisions == str(tmp_path / "decisions.db")
    assert config.source_options["category_table"] == str(tmp_path / "tables/mine.toml")
    named = load_run_config(
        write(tmp_path, BASE + '[source_options]\ncategory_table = "menu"\n'), None, {}
    )
    assert named.source_options["category_table"] == "menu"


def test_flags_paths_stay_as_given(tmp_path: Path) -> None:
    config = load_run_config(write(tmp_path, BASE), flags(pos="x.json"), {})
    assert config.pos == Path("x.json")


def test_environment_alone_and_other_variables(tmp_path: Path) -> None:
    environ = {
        "POSLINK_POS": "p.json",
        "POSLINK_CATALOG": "c.db",
        "POSLINK_OUT": "o.csv",
        "POSLINK_SOURCE": "csv",
        "POSLINK_SOURCE_OPTIONS__COLUMNS": '{id = "SKU", name = "Name"}',
        "POSLINK_SOURCE_OPTIONS__DELIMITER": ";",
        "POSLINK_MATCHER__UNBRANDED_THRESHOLD": "0.99",
        "POSLINK_SHARED_DATA": "/somewhere",  # not a configuration key: not ours
    }
    config = load_run_config(None, None, environ)
    assert config.source_options == {"columns": {"id": "SKU", "name": "Name"}, "delimiter": ";"}
    assert config.matcher.unbranded_threshold == 0.99 and config.pos == Path("p.json")


def test_option_flags_merge_into_file_options(tmp_path: Path) -> None:
    text = BASE + 'source = "csv"\n[source_options]\ndelimiter = ";"\n'
    text += '[source_options.columns]\nid = "SKU"\nname = "Name"\n'
    layer = flags(source_options__columns__brand="Brand")
    config = load_run_config(write(tmp_path, text), layer, {})
    assert config.source_options == {
        "delimiter": ";",
        "columns": {"id": "SKU", "name": "Name", "brand": "Brand"},
    }


@pytest.mark.parametrize(
    ("text", "environ", "message"),
    [
        (
            BASE + "sorce = 'csv'\n",
            {},
            "{file}: key 'sorce': not a known key (known: pos, catalog, out, source,",
        ),
        (
            BASE + "[matcher]\nthresold = 0.9\n",
            {},
            "{file}: key 'matcher.thresold': not a known key (known: threshold, margin,",
        ),
        (
            BASE + "[matcher]\nthreshold = 2\n",
            {},
            "{file}: key 'matcher.threshold': Input should be less than or equal to 1, got 2",
        ),
        (
            BASE,
            {"POSLINK_MATCHER__THRESHOLD": "high"},
            "environment variable POSLINK_MATCHER__THRESHOLD: Input should be a valid number",
        ),
        (
            BASE,
            {"POSLINK_MATCHER__THRESHOLDS": "0.9"},
            "environment variable POSLINK_MATCHER__THRESHOLDS: not a known key",
        ),
        (
            'catalog = "c.db"\nout = "o.csv"\n',
            {},
            "{file}: key 'pos' is missing (give --pos or set it in the configuration file)",
        ),
        (
            BASE + "source = 'nope'\n",
            {},
            "{file}: key 'source': unknown source 'nope' (known: csv, dutchie, dutchie-products,",
        ),
        (BASE + "engine = 'warp'\n", {}, "{file}: key 'engine': unknown engine 'warp'"),
        (
            BASE + "source = 'csv'\n",
            {},
            "{file}: key 'source_options.columns' is missing (set it in the configuration file",
        ),
        (
            BASE + "source = 'csv'\n[source_options.columns]\nid = 'SKU'\nname = 'N'\nnme = 'N'\n",
            {},
            "{file}: key 'source_options.columns.nme': not a known key (known: id, name,",
        ),
        (
            BASE + "[source_options]\ndelimiter = ';'\n",
            {},
            "{file}: key 'source_options.delimiter': not a known key (known: category_table)",
        ),
        (BASE + "pos = \n", {}, "{file}: not valid TOML"),
        (
            BASE + "[source_options]\ncategory_table = 'nope'\n",
            {},
            "{file}: key 'source_options.category_table': category table 'nope' not found "
            "(built-in: default, dutchie, flowhub, leafly, menu, metrc, store, weedmaps;",
        ),
        (BASE, {"POSLINK_SOURCE_OPTIONS": "{broken"}, "POSLINK_SOURCE_OPTIONS: not a valid TOML"),
        # Nested beyond what tomllib (recursive) reads: an error like any other, no traceback.
        (BASE + "x = " + "[" * 3000 + "]" * 3000 + "\n", {}, "{file}: not valid TOML"),
        (
            BASE,
            {"POSLINK_SOURCE_OPTIONS": "[" * 3000 + "]" * 3000},
            "POSLINK_SOURCE_OPTIONS: not a valid TOML",
        ),
    ],
)
def test_errors_name_the_key_and_where_it_was_set(
    tmp_path: Path, text: str, environ: dict[str, str], message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=re.escape(message.format(file=path))):
        load_run_config(path, None, environ)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such configuration file"):
        load_run_config(tmp_path / "absent.toml", None, {})


def test_flag_errors_name_the_flag(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="option --matcher__margin: Input should be"):
        load_run_config(write(tmp_path, BASE), flags(matcher__margin=-1.0), {})


@pytest.mark.parametrize(("written", "value"), [('"none"', None), ('"Never"', None), ("0.8", 0.8)])
def test_unbranded_threshold_none_in_a_file(
    tmp_path: Path, written: str, value: float | None
) -> None:
    # TOML has no null: the word says that a record naming no brand never gets an id.
    path = tmp_path / "run.toml"
    path.write_text(BASE + f"[matcher]\nunbranded_threshold = {written}\n")
    assert load_run_config(path, None, {}).matcher.unbranded_threshold == value
