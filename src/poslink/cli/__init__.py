"""The command line: ``poslink run | sync | eval | explain | sources | override | review``, and
``poslink index build``; ``poslink console | knowledge | gaps`` (the review console),
``poslink serve`` (and ``serve key``); ``poslink catalog check``.

Each command module registers its commands on the shared Typer ``app``; importing the module
is what adds them, and ``poslink --help`` lists them in that order. Installed packages add
commands of their own through the entry point group ``poslink.commands`` (``extensions.py``):
the development package (``dev/``) adds ``bench``.
"""

# isort: off
from poslink.cli import (  # noqa: F401 - register their commands, in this order
    catalog,
    run,
    sync,
    evaluate,
    explain,
    sources,
    console,
    override,
    review,
    scale,
    serve,
)

# isort: on
import sys

from poslink.cli._app import app
from poslink.cli.collector import collect_for_batch_work
from poslink.cli.extensions import add_installed_commands
from poslink.cli.helptext import reflow_help
from poslink.cli.usage import run_app
from poslink.signals import handle_termination

add_installed_commands(app)
reflow_help(app)


def main() -> None:
    """Console entry point: SIGTERM and SIGHUP stop a run as Ctrl-C does (``signals.py``), the
    garbage collector is set for batch work (``collector.py``), and an error in the command line
    is one line like any other (``usage.py``)."""
    handle_termination()
    collect_for_batch_work()
    sys.exit(run_app(app))


__all__ = ["app", "main"]
