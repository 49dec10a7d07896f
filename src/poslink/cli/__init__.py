"""The command line: ``poslink run | eval | explain | sources | index build | bench``.

Each command module registers its commands on the shared Typer ``app``; importing the module
is what adds them.
"""

from poslink.cli import commands, scale  # noqa: F401 - registers the commands
from poslink.cli._app import app


def main() -> None:
    """Console entry point."""
    app(prog_name="poslink")


__all__ = ["app", "main"]
