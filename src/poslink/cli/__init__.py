"""The command line: ``poslink run | eval | explain | sources | override | review``, and
``poslink index build | bench``, ``poslink serve`` (and ``serve key``).

Each command module registers its commands on the shared Typer ``app``; importing the module
is what adds them.
"""

from poslink.cli import (  # noqa: F401 - register their command groups
    commands,
    override,
    review,
    scale,
    serve,
)
from poslink.cli._app import app


def main() -> None:
    """Console entry point."""
    app(prog_name="poslink")


__all__ = ["app", "main"]
