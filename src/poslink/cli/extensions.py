"""Commands that other installed packages add to ``poslink``: the entry point group
``poslink.commands``.

An entry point's name is the command's name. Its object is either a function written as a
Typer command (parameters for options, docstring for help), which becomes ``poslink NAME``,
or a ``typer.Typer`` app, which becomes the group ``poslink NAME COMMAND``. The development
package in ``dev/`` adds ``poslink bench`` this way::

    [project.entry-points."poslink.commands"]
    bench = "poslink_dev.bench.cli:bench"

poslink's own commands keep their names: an entry point that takes one is skipped. An entry
point that cannot be loaded is reported in one line on stderr, and every other command works
as before: a broken add-on never stands between a user and ``poslink run``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from importlib.metadata import EntryPoint, entry_points

import typer
from typer.main import get_command_name

GROUP = "poslink.commands"


def _warn(message: str) -> None:
    print(f"poslink: {message}", file=sys.stderr)


def command_names(app: typer.Typer) -> set[str]:
    """The names of the commands and command groups registered on ``app``."""
    names = set()
    for command in app.registered_commands:
        if isinstance(command.name, str):
            names.add(command.name)
        elif command.callback is not None:
            names.add(get_command_name(command.callback.__name__))
    names.update(g.name for g in app.registered_groups if isinstance(g.name, str))
    return names


def add_installed_commands(
    app: typer.Typer,
    found: Iterable[EntryPoint] | None = None,
    warn: Callable[[str], None] = _warn,
) -> list[str]:
    """Register on ``app`` the commands of the ``poslink.commands`` entry points (``found``:
    these instead of the installed ones); the names added."""
    taken = command_names(app)
    added = []
    for entry in entry_points(group=GROUP) if found is None else found:
        if entry.name in taken:
            warn(f"command {entry.name!r} of {entry.value} skipped: the name is taken")
            continue
        try:
            target = entry.load()
        except Exception as error:  # whatever an add-on raises, poslink's commands still run
            warn(f"command {entry.name!r} not loaded from {entry.value}: {error}")
            continue
        if isinstance(target, typer.Typer):
            app.add_typer(target, name=entry.name)
        elif callable(target):
            app.command(entry.name)(target)
        else:
            warn(f"command {entry.name!r} skipped: {entry.value} is neither a function nor a Typer")
            continue
        taken.add(entry.name)
        added.append(entry.name)
    return added
