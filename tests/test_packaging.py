"""What poslink's wheel ships: the tool, never the workload generator or the benchmark, which
live in the development package (``dev/``, ``poslink_dev``); and poslink never imports that
package, so an installed poslink works without it."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import REPO

DEV = REPO / "dev"


def build_wheel(project: Path, files: list[str], out: Path) -> zipfile.ZipFile:
    """Build ``project``'s wheel offline from a copy of ``files`` (no caches, no egg-info)."""
    copy = out / "project"
    for name in files:
        source = project / name
        if source.is_dir():
            shutil.copytree(
                source, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
            )
        else:
            copy.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    command += ["--no-index", "--quiet", "--wheel-dir", str(out / "dist"), str(copy)]
    subprocess.run(command, check=True, capture_output=True, text=True)
    (wheel,) = (out / "dist").glob("*.whl")
    return zipfile.ZipFile(wheel)


@pytest.fixture(scope="module")
def poslink_wheel(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The file names in the wheel built from the repository."""
    out = tmp_path_factory.mktemp("wheel")
    with build_wheel(REPO, ["pyproject.toml", "README.md", "src"], out) as wheel:
        return wheel.namelist()


def development_files(names: list[str]) -> list[str]:
    """The generator's and the benchmark's files among a wheel's ``names``."""
    found = []
    for name in names:
        parts = name.split("/")
        stem = parts[-1].rsplit(".", 1)[0]
        if (
            {"synth", "bench", "poslink_dev"} & set(parts[:-1])
            or stem in {"bench", "loadgen"}
            or stem.startswith("bench_")
            or parts[-1] in {"renderings.toml", "nicknames.toml"}
        ):
            found.append(name)
    return found


def test_the_wheel_holds_no_generator_or_benchmark(poslink_wheel: list[str]) -> None:
    assert development_files(poslink_wheel) == []
    # the wheel is poslink's whole: its commands, its data files, its typing marker
    for name in ("cli/__init__.py", "cli/scale.py", "domain/data/forms.toml", "py.typed"):
        assert f"poslink/{name}" in poslink_wheel
    assert not any(n.startswith("poslink_dev") for n in poslink_wheel)


def test_the_check_finds_what_the_development_package_holds() -> None:
    package = DEV / "src" / "poslink_dev"
    dev_files = sorted(
        str(p.relative_to(package.parent)) for p in package.rglob("*") if p.is_file()
    )
    old_places = [  # where these modules were before they left the wheel
        "poslink/synth/__init__.py",
        "poslink/synth/data/renderings.toml",
        "poslink/bench.py",
        "poslink/bench_real.py",
        "poslink/store/bench.py",
        "poslink/service/loadgen.py",
        "poslink/engines/spark/bench.py",
    ]
    dev_modules = [n for n in dev_files if "__pycache__" not in n]
    assert len(dev_modules) > 20
    assert development_files(dev_modules) == dev_modules
    assert development_files(old_places) == old_places
    assert development_files(["poslink/console/workbench.py", "poslink/cli/scale.py"]) == []


def test_the_development_wheel_holds_the_generator_data_and_the_bench_command(
    tmp_path: Path,
) -> None:
    with build_wheel(DEV, ["pyproject.toml", "README.md", "src"], tmp_path) as wheel:
        names = wheel.namelist()
        (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        registered = wheel.read(entry_points).decode()
    for name in ("synth/data/renderings.toml", "synth/data/nicknames.toml", "bench/cli.py"):
        assert f"poslink_dev/{name}" in names
    assert "[poslink.commands]\nbench = poslink_dev.bench.cli:bench" in registered


def imported_modules(source: str) -> set[str]:
    """Every module ``source`` imports: import statements (a relative one with its dots) and
    ``importlib.import_module("...")`` or ``__import__("...")`` of a literal name."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.add("." * node.level + (node.module or ""))
        elif isinstance(node, ast.Call) and node.args:
            func, first = node.func, node.args[0]
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            dynamic = called in {"import_module", "__import__"}
            if dynamic and isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.add(first.value)
    return found


def test_poslink_never_imports_the_development_package() -> None:
    modules = sorted((REPO / "src" / "poslink").rglob("*.py"))
    assert len(modules) > 100
    leaks = {
        str(path.relative_to(REPO)): name
        for path in modules
        for name in imported_modules(path.read_text(encoding="utf-8"))
        if name.split(".")[0] == "poslink_dev"
    }
    assert leaks == {}
    # the walk sees every way a module is imported
    snippet = (
        "import poslink_dev.synth\nfrom poslink_dev.bench import cli\nfrom . import x\n"
        "def f():\n    importlib.import_module('poslink_dev.bench')\n    __import__('a.b')\n"
    )
    assert imported_modules(snippet) == {
        "poslink_dev.synth",
        "poslink_dev.bench",
        ".",
        "a.b",
    }
