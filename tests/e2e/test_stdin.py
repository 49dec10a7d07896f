"""``--pos -``: the export on standard input, as any file (compressed or not, any source)."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import EXAMPLES, poslink


def run(stdin: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
    exe = Path(sys.executable).with_name("poslink")
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    catalog = str(EXAMPLES / "jane/catalog.db")
    return subprocess.run(
        [str(exe), "run", "--pos", "-", "--catalog", catalog, *args],
        input=stdin, capture_output=True, env=env, check=False,
    )  # fmt: skip


@pytest.mark.parametrize("packed", [False, True])
def test_standard_input_to_standard_output_is_the_file_run(tmp_path: Path, packed: bool) -> None:
    data = (EXAMPLES / "jane/pos.json").read_bytes()
    piped = run(gzip.compress(data) if packed else data, "--out", "-")
    assert piped.returncode == 0, piped.stderr
    filed = tmp_path / "o.csv"
    direct = poslink(
        "run", "--pos", EXAMPLES / "jane/pos.json", "--catalog", EXAMPLES / "jane/catalog.db",
        "--out", filed, "-q",
    )  # fmt: skip
    assert direct.returncode == 0
    assert piped.stdout == filed.read_bytes()
    assert b"29 records: 20 matched" in piped.stderr


def test_a_bad_record_on_standard_input_is_named_by_stdin(tmp_path: Path) -> None:
    data = b"SKU,Name\n1,Citrus Comet -1.0g- Sunny Valley\n2,--\n"
    out = tmp_path / "o.csv"
    done = run(data, "--source", "csv", "-o", "columns.id=SKU", "-o", "columns.name=Name",
               "--out", str(out))  # fmt: skip
    assert done.returncode == 0, done.stderr
    rejects = (tmp_path / "o.rejects.csv").read_text()
    assert "stdin line 3: column 'Name' (the name) has no letters or digits" in rejects


def test_unreadable_standard_input_is_one_line(tmp_path: Path) -> None:
    done = run(b"[{", "--out", str(tmp_path / "o.csv"))
    assert done.returncode == 3
    lines = done.stderr.decode().strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("poslink: error: stdin: invalid JSON at line 1 column 3")
    assert not (tmp_path / "o.csv").exists()


@pytest.mark.parametrize("to_stdout", [True, False], ids=["stdout", "file"])
def test_too_many_rejects_say_where_the_reasons_are(tmp_path: Path, to_stdout: bool) -> None:
    pos = tmp_path / "pos.json"
    pos.write_text(
        '[{"productId": 1, "productName": "Blue Dream 1g"}, {"productId": 2, "productName": " "},'
        ' {"productId": 3, "productName": "@@"}]',
        encoding="utf-8",
    )
    out = "-" if to_stdout else str(tmp_path / "o.csv")
    done = poslink("run", "--pos", pos, "--catalog", EXAMPLES / "jane/catalog.db", "--out", out)
    assert done.returncode == 1, done.stderr
    line = done.stderr.strip().splitlines()[-1]
    assert "2 of 3 records rejected" in line
    if to_stdout:  # no rejects file is written: the line does not send the user to one
        assert "no rejects file: --out FILE writes one" in line, line
    else:
        assert f"see {tmp_path / 'o.rejects.csv'} for why" in line, line


def test_standard_input_with_a_decision_store_is_kept_by_its_store_id(tmp_path: Path) -> None:
    data = (EXAMPLES / "jane/pos.json").read_bytes()
    store = tmp_path / "d.db"
    unnamed = run(data, "--out", "-", "--decisions", str(store))
    assert unnamed.returncode == 2
    assert unnamed.stderr.decode().strip().splitlines() == [
        "poslink: error: --pos - with a decision store needs --store-id: the store's decisions"
        " are kept by it"
    ]
    assert not store.exists()  # refused before the store was opened
    for said in (b"0 decisions reused", b"28 decisions reused"):
        named = run(data, "--out", "-", "--decisions", str(store), "--store-id", "north")
        assert named.returncode == 0 and said in named.stderr, named.stderr


def test_q_with_the_output_on_standard_output_leaves_stderr_to_errors() -> None:
    data = (EXAMPLES / "jane/pos.json").read_bytes()
    quiet, said = run(data, "--out", "-", "-q"), run(data, "--out", "-")
    assert quiet.returncode == said.returncode == 0
    assert quiet.stdout == said.stdout and quiet.stdout.startswith(b"category,")
    assert quiet.stderr == b"" and b"29 records" in said.stderr
