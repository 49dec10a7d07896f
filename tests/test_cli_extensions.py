"""Commands from installed packages (entry point group ``poslink.commands``): a function becomes a
command, a Typer app a group; a broken or clashing add-on is reported and skipped, never fatal."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from poslink.cli.extensions import GROUP, add_installed_commands, command_names

ADDON = '''
import typer

def greet(name: str = typer.Option("world", help="who")) -> None:
    """Say hello."""
    print(f"hello {name}")

tools = typer.Typer(help="Two tools.")

@tools.command("count")
def count(n: int) -> None:
    """Count to N."""
    print(*range(1, n + 1))

@tools.command("shout")
def shout(word: str) -> None:
    """Shout."""
    print(word.upper())

NOT_A_COMMAND = 3
'''


@pytest.fixture
def addon(tmp_path: Path) -> Iterator[str]:
    """An importable module holding an add-on's commands, and one that fails to import."""
    name = f"addon_{tmp_path.name.replace('-', '_')}"
    (tmp_path / f"{name}.py").write_text(ADDON, encoding="utf-8")
    (tmp_path / f"{name}_broken.py").write_text("import no_such_module_anywhere\n")
    sys.path.insert(0, str(tmp_path))
    yield name
    sys.path.remove(str(tmp_path))
    for module in (name, f"{name}_broken"):
        sys.modules.pop(module, None)


def base_app() -> typer.Typer:
    app = typer.Typer()

    @app.command("run")
    def run() -> None:
        """The built-in command."""
        print("built-in run")

    @app.command()
    def show_all() -> None:
        """A command named after its function."""

    return app


def entry(name: str, value: str) -> EntryPoint:
    return EntryPoint(name=name, value=value, group=GROUP)


def test_a_function_becomes_a_command_and_a_typer_a_group(addon: str) -> None:
    app, warnings = base_app(), list[str]()
    found = [entry("greet", f"{addon}:greet"), entry("tools", f"{addon}:tools")]
    assert add_installed_commands(app, found, warnings.append) == ["greet", "tools"]
    assert warnings == []
    runner = CliRunner()
    assert runner.invoke(app, ["greet", "--name", "ada"]).output == "hello ada\n"
    assert runner.invoke(app, ["tools", "count", "3"]).output == "1 2 3\n"
    assert runner.invoke(app, ["tools", "shout", "hi"]).output == "HI\n"
    assert "Say hello." in runner.invoke(app, ["--help"]).output
    assert runner.invoke(app, ["run"]).output == "built-in run\n"


def test_a_broken_or_clashing_add_on_is_reported_and_the_rest_still_work(addon: str) -> None:
    app, warnings = base_app(), list[str]()
    found = [
        entry("run", f"{addon}:greet"),  # a built-in's name
        entry("show-all", f"{addon}:greet"),
        entry("broken", f"{addon}_broken:greet"),
        entry("missing", f"{addon}:no_such_function"),
        entry("number", f"{addon}:NOT_A_COMMAND"),
        entry("greet", f"{addon}:greet"),
        entry("greet", f"{addon}:tools"),  # a second add-on's command of the same name
    ]
    assert add_installed_commands(app, found, warnings.append) == ["greet"]
    assert len(warnings) == 6
    assert "'run'" in warnings[0] and "taken" in warnings[0]
    assert "'show-all'" in warnings[1] and "taken" in warnings[1]
    assert "'broken'" in warnings[2] and "no_such_module_anywhere" in warnings[2]
    assert "'missing'" in warnings[3] and "no_such_function" in warnings[3]
    assert "neither a function nor a Typer" in warnings[4]
    assert "'greet'" in warnings[5] and "taken" in warnings[5]
    runner = CliRunner()
    assert runner.invoke(app, ["run"]).output == "built-in run\n"
    assert runner.invoke(app, ["greet"]).output == "hello world\n"
    assert runner.invoke(app, ["broken"]).exit_code == 2  # no such command


def test_poslinks_own_command_names_are_all_seen() -> None:
    from poslink.cli import app

    names = command_names(app)
    assert {"run", "eval", "explain", "index", "serve", "console", "catalog"} <= names
