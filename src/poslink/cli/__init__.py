"""The command line: ``poslink run | eval | explain | sources | override | review``, and
``poslink index build``; ``poslink console | knowledge | gaps`` (the review console),
``poslink serve`` (and ``serve key``); ``poslink catalog check``.

Each command module registers its commands on the shared Typer ``app``; importing the module
is what adds them. Installed packages add commands of their own through the entry point group
``poslink.commands`` (``extensions.py``): the development package (``dev/``) adds ``bench``.
"""

from poslink.cli import (  # noqa: F401 - register their command groups
    catalog,
    commands,
    console,
    override,
    review,
    scale,
    serve,
)
from poslink.cli._app import app
from poslink.cli.extensions import add_installed_commands
from poslink.signals import handle_termination

add_installed_commands(app)


def main() -> None:
    """Console entry point: SIGTERM and SIGHUP stop a run as Ctrl-C does (``signals.py``)."""
    handle_termination()
    app(prog_name="poslink")


__all__ = ["app", "main"]
