"""Every command that writes a file refuses to write it over a file it reads (or into a folder's
name), before anything is read or written: one line, exit 2, the file untouched."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from helpers import EXAMPLES, poslink

# (the command, the file its output is pointed at: "catalog", "decisions", "labels" or "dir")
CASES = [
    (["index", "build", "--catalog", "{catalog}", "--out", "{catalog}"], "catalog"),
    (["index", "build", "--catalog", "{catalog}", "--out", "{dir}"], "dir"),
    (["catalog", "check", "--catalog", "{catalog}", "--out", "{catalog}"], "catalog"),
    (["review", "export", "--decisions", "{decisions}", "--catalog", "{catalog}",
      "--out", "{catalog}"], "catalog"),
    (["review", "export", "--decisions", "{decisions}", "--catalog", "{catalog}",
      "--out", "{decisions}"], "decisions"),
    (["gaps", "--decisions", "{decisions}", "--catalog", "{catalog}", "--out", "{decisions}"],
     "decisions"),
    (["knowledge", "export", "--decisions", "{decisions}", "--out", "{decisions}"], "decisions"),
    (["eval", "--labels", "{labels}", "--out", "{output}", "--report", "{labels}"], "labels"),
]  # fmt: skip


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "folder"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A catalog, a decision store with one run in it, labels and an output."""
    folder = tmp_path_factory.mktemp("files")
    catalog = folder / "catalog.db"
    shutil.copyfile(EXAMPLES / "jane/catalog.db", catalog)
    output, decisions = folder / "out.csv", folder / "decisions.db"
    done = poslink("run", "--pos", EXAMPLES / "jane/pos.json", "--catalog", catalog,
                   "--out", output, "--decisions", decisions)  # fmt: skip
    assert done.returncode == 0, done.stderr
    labels = folder / "labels.csv"
    shutil.copyfile(EXAMPLES / "jane/labels.csv", labels)
    (folder / "a-folder").mkdir()
    return {
        "catalog": catalog,
        "decisions": decisions,
        "labels": labels,
        "output": output,
        "dir": folder / "a-folder",
    }


@pytest.mark.parametrize(("words", "target"), CASES, ids=[" ".join(c[0][:2]) for c in CASES])
def test_an_output_over_an_input_is_refused(
    files: dict[str, Path], words: list[str], target: str
) -> None:
    before = {name: digest(path) for name, path in files.items()}
    done = poslink(*(w.format(**{k: str(v) for k, v in files.items()}) for w in words))
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    said = "is a directory" if target == "dir" else "poslink never writes over what it reads"
    assert said in lines[0], lines[0]
    assert {name: digest(path) for name, path in files.items()} == before
