"""The documentation's Python examples run, so they cannot rot.

Every ```python block of README.md and docs/*.md runs, in document order, in one namespace per
document, from a scratch folder holding the repository's ``examples`` (what the docs' relative
paths name): a block of ``>>>`` lines as a doctest (output compared, ``...`` and white space
forgiving), any other block as a script that must not raise. A ```python sketch block (a
fragment of a larger program, such as a plugin's class) is compiled, not run.
"""

from __future__ import annotations

import doctest
import re
from pathlib import Path
from typing import Any

import pytest

from helpers import EXAMPLES, REPO

DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
_FENCE = re.compile(r"^```([^\n]*)\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def python_blocks(path: Path) -> list[tuple[int, str, str]]:
    """(line, kind, code) of each python block: kind "run" or "sketch"."""
    text = path.read_text(encoding="utf-8")
    found = []
    for m in _FENCE.finditer(text):
        info = m.group(1).split()
        if info[:1] == ["python"]:
            line = text.count("\n", 0, m.start()) + 2
            found.append((line, "sketch" if "sketch" in info[1:] else "run", m.group(2)))
    return found


def run_block(doc: Path, line: int, code: str, namespace: dict[str, Any]) -> None:
    where = f"{doc.name}:{line}"
    if code.lstrip().startswith(">>>"):
        test = doctest.DocTestParser().get_doctest(code, namespace, where, str(doc), line - 1)
        report: list[str] = []
        runner = doctest.DocTestRunner(optionflags=_FLAGS)
        result = runner.run(test, out=report.append, clear_globs=False)
        assert result.failed == 0, "".join(report)
        namespace.update(test.globs)  # a doctest runs on a copy: later blocks see its names
    else:
        exec(compile(code, where, "exec"), namespace)


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "examples").symlink_to(EXAMPLES, target_is_directory=True)
    (tmp_path / "out").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    "doc", [d for d in DOCS if python_blocks(d)], ids=lambda d: str(d.relative_to(REPO))
)
def test_python_examples_run(doc: Path, scratch: Path) -> None:
    namespace: dict[str, Any] = {"__name__": f"docs.{doc.stem}"}
    for line, kind, code in python_blocks(doc):
        if kind == "sketch":
            compile(code, f"{doc.name}:{line}", "exec")
        else:
            run_block(doc, line, code, namespace)


@pytest.mark.parametrize("doc", [d for d in DOCS if "```yaml" in d.read_text()], ids=str)
def test_yaml_examples_parse(doc: Path) -> None:
    import yaml  # type: ignore[import-untyped]  # PyYAML comes with uvicorn[standard]

    text = doc.read_text(encoding="utf-8")
    blocks = [m.group(2) for m in _FENCE.finditer(text) if m.group(1).strip() == "yaml"]
    for block in blocks:
        assert all(part for part in yaml.safe_load_all(block)), doc


def test_the_api_docs_have_examples_that_check_output() -> None:
    blocks = python_blocks(REPO / "docs/api.md")
    assert sum(code.lstrip().startswith(">>>") for _, kind, code in blocks if kind == "run") >= 4


def test_the_api_module_docstring_example_runs(scratch: Path) -> None:
    import poslink.api

    result = doctest.testmod(poslink.api, optionflags=_FLAGS, verbose=False)
    assert result.attempted >= 2 and result.failed == 0
