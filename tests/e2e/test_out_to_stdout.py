"""``--out -`` (and ``eval --report -``) of the commands that write one file: standard output
holds that file alone, whole, and what the command says of it goes to stderr, as ``run`` does.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from helpers import EXAMPLES, poslink

CATALOG = EXAMPLES / "jane" / "catalog.db"
LESSONS = "kind,text,target,brand,scope,scope_value\nbrand,ECX,Emerald Coast Extracts,,global,\n"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A decision store of the example feed, with a lesson: something for every command."""
    folder = tmp_path_factory.mktemp("store")
    decisions = folder / "d.db"
    done = poslink("run", "--pos", EXAMPLES / "jane" / "pos.json", "--catalog", CATALOG,
                   "--out", folder / "m.csv", "--decisions", decisions)  # fmt: skip
    assert done.returncode == 0, done.stderr
    (folder / "lessons.csv").write_text(LESSONS, encoding="utf-8")
    taught = poslink("knowledge", "import", folder / "lessons.csv", "--decisions", decisions)
    assert taught.returncode == 0, taught.stderr
    return decisions


@pytest.mark.parametrize(
    ("words", "said"),
    [
        (["catalog", "check", "--catalog", "{catalog}"], "groups of suspected duplicates"),
        (["gaps", "--decisions", "{store}", "--catalog", "{catalog}"], "proposed products"),
        (["knowledge", "export", "--decisions", "{store}"], "1 lesson -> -"),
        (["review", "export", "--decisions", "{store}", "--catalog", "{catalog}"], "to review"),
    ],
    ids=["catalog check", "gaps", "knowledge export", "review export"],
)
def test_a_csv_to_stdout_is_the_csv_alone(store: Path, words: list[str], said: str) -> None:
    # The summary line (and gaps' table) used to follow the CSV on standard output.
    args = [w.format(store=store, catalog=CATALOG) for w in words]
    done = poslink(*args, "--out", "-")
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert len({len(row) for row in rows}) == 1, done.stdout  # every line a row of the CSV
    assert len(rows) >= 2 and said in done.stderr


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_an_eval_report_to_stdout_is_the_json_alone(tmp_path: Path, as_json: bool) -> None:
    out = tmp_path / "m.csv"
    ran = poslink("run", "--pos", EXAMPLES / "jane" / "pos.json", "--catalog", CATALOG,
                  "--out", out)  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    flags = ["--json"] if as_json else []
    labels = EXAMPLES / "jane" / "labels.csv"
    done = poslink("eval", "--labels", labels, "--out", out, "--report", "-", *flags, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "-").exists()  # it was written as a file named "-"
    assert json.loads(done.stdout)["precision"] == 1.0  # one JSON document, nothing after it
    assert done.stderr.startswith("precision 1.0000" if not as_json else "")
