"""A source plugin whose ``records`` or ``fields`` fails in a way it did not plan for (a bug,
a library's error it lets through) stops the run as a file a built-in source cannot read does:
one line naming the file and the problem, exit code 3, no output."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import EXAMPLES, poslink

PLUGIN = '''
from typing import ClassVar

from poslink import PosRecord, Source


class Failing(Source):
    """Yields one record, then fails as FAIL says."""

    name: ClassVar[str] = "failing"
    description: ClassVar[str] = "fails while reading"

    @property
    def fields(self):
        return FIELDS()

    def records(self):
        raw = {"id": "1", "name": "Citrus Comet 1g"}
        yield PosRecord(row=0, source=self.name, pos_id="1", name=raw["name"], raw=raw)
        FAIL()
'''

FIELDS = "def FIELDS():\n    return ['id', 'name']\n"
FAILURES = {
    "ValueError": (FIELDS + "def FAIL():\n    raise ValueError('no price')\n", "no price"),
    "KeyError": (FIELDS + "def FAIL():\n    {}['qty']\n", "KeyError: 'qty'"),
    # Asked for before anything is read or written.
    "fields": ("def FIELDS():\n    {}['columns']\n", "KeyError: 'columns'"),
}


@pytest.mark.parametrize("kind", sorted(FAILURES))
def test_a_failing_source_plugin_is_one_line_naming_the_file(kind: str, tmp_path: Path) -> None:
    fail, says = FAILURES[kind]
    (tmp_path / "failing_source.py").write_text(PLUGIN + fail, encoding="utf-8")
    export = tmp_path / "export.dat"
    export.write_text("anything\n", encoding="utf-8")
    out = tmp_path / "out" / "matched.csv"
    path = os.pathsep.join(p for p in (str(tmp_path), os.environ.get("PYTHONPATH")) if p)
    done = poslink(
        "run", "--pos", export, "--source", "failing_source:Failing", "--out", out,
        "--catalog", EXAMPLES / "jane/catalog.db", "--workers", "1",
        env={"PYTHONPATH": path},
    )  # fmt: skip
    assert done.returncode == 3, done.stderr
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"poslink: error: {export}: the failing source failed reading it: ")
    assert says in line
    assert not out.parent.exists()  # the folder the run made for its output is removed
