"""The packages' structure: no import cycle, no module too long to hold in one's head.

The rules hold for poslink (``src/``) and for its development package (``dev/src/``: the
workload generator and the benchmark), read as one graph. Both read the source as text
(``ast``), so they see every module, whatever imports it and whatever its imports need
installed.
"""

from __future__ import annotations

import ast
from pathlib import Path

from helpers import REPO

SRC = REPO / "src"
PACKAGE = SRC / "poslink"
DEV_SRC = REPO / "dev" / "src"
DEV_PACKAGE = DEV_SRC / "poslink_dev"
# (source root, package): the rules are the project's, for all the code kept here; the
# development package is held to them though it is never shipped.
PACKAGES = ((SRC, PACKAGE), (DEV_SRC, DEV_PACKAGE))
MAX_LINES = 400


def modules() -> dict[str, Path]:
    """Every module of the packages by dotted name (a package by its own name)."""
    found = {}
    for src, package in PACKAGES:
        for path in sorted(package.rglob("*.py")):
            parts = path.relative_to(src).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> dict[str, int]:
    """The package's modules ``name`` imports, with the line of the first import of each.

    Every import counts: at module level, inside a function (a lazy import still ties the two
    modules), and under ``if TYPE_CHECKING`` (a circle in the types is still one a reader must
    hold). ``from a.b import c`` imports the module ``a.b.c`` when there is one, else ``a.b``.
    Importing ``a.b.c`` runs the packages ``a`` and ``a.b`` first: each counts too, unless it
    is a package ``name`` itself is in (that one is running already).
    """
    found: dict[str, int] = {}
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the package, up one level per further dot
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            targets = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names
            ]
        else:
            continue
        for target in targets:
            parts = target.split(".")
            for k in range(1, len(parts) + 1):
                module = ".".join(parts[:k])
                running = name == module or name.startswith(module + ".")
                if module in known and not running:
                    found.setdefault(module, node.lineno)
    return found


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        order[v] = low[v] = len(order)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in order:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], order[w])
        if low[v] == order[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in graph:
        if v not in order:
            visit(v)
    return found


def test_no_import_cycle() -> None:
    known = modules()
    graph = {name: imports(name, path, known) for name, path in known.items()}
    circles = cycles(graph)
    shown = []
    for group in circles:
        ties = [
            f"  {a} (line {line}) imports {b}"
            for a in group
            for b, line in graph[a].items()
            if b in group
        ]
        shown.append(f"{', '.join(group)}:\n" + "\n".join(ties))
    assert not circles, "modules that import each other:\n" + "\n".join(shown)


def test_the_cycle_finder_sees_lazy_typing_and_package_imports(tmp_path: Path) -> None:
    lazy = tmp_path / "lazy.py"
    lazy.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from poslink.b import X\n"
        "def f():\n    from poslink.c.d import y\n",
        encoding="utf-8",
    )
    known = {"poslink.a": lazy, "poslink.b": lazy, "poslink.c": lazy, "poslink.c.d": lazy}
    assert imports("poslink.a", lazy, known) == {"poslink.b": 3, "poslink.c": 5, "poslink.c.d": 5}
    assert cycles({"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {"a": 1}}) == [["a", "b", "c"]]


def test_both_packages_are_read() -> None:
    known = modules()
    assert {"poslink", "poslink.cli", "poslink_dev", "poslink_dev.synth.listings"} <= set(known)


def test_no_module_over_400_lines() -> None:
    long = {
        str(path.relative_to(REPO)): lines
        for _, package in PACKAGES
        for path in package.rglob("*.py")
        if (lines := path.read_text(encoding="utf-8").count("\n")) > MAX_LINES
    }
    assert not long, f"modules over {MAX_LINES} lines (split them by what they hold): {long}"
