"""The installed ``poslink`` command run as a user runs it (or its command line in this
process), and POS files it must refuse."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from typer.testing import CliRunner

Completed = subprocess.CompletedProcess[str]

# ``poslink run ARGS`` on some engine (the ``run_poslink`` fixture).
Runner = Callable[..., subprocess.CompletedProcess[str]]


def poslink(
    *args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed ``poslink`` command the way a user would (``env``: extra variables)."""
    exe = Path(sys.executable).with_name("poslink")
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        [str(exe), *map(str, args)], capture_output=True, text=True, cwd=cwd, env=env, check=False
    )


@contextmanager
def _warnings_as_a_process() -> Iterator[None]:
    """Python's warnings as a ``poslink`` process shows them: on its standard error, under
    Python's default filters. Under pytest they are recorded instead, and a test counting the
    command's error lines would not see one."""
    with warnings.catch_warnings():
        warnings.resetwarnings()
        for hidden in (
            DeprecationWarning,
            PendingDeprecationWarning,
            ImportWarning,
            ResourceWarning,
        ):
            warnings.simplefilter("ignore", hidden)

        def show(
            message: Warning | str,
            category: type[Warning],
            filename: str,
            lineno: int,
            file: TextIO | None = None,
            line: str | None = None,
        ) -> None:
            text = warnings.formatwarning(message, category, filename, lineno, line)
            sys.stderr.write(text)

        warnings.showwarning = show
        yield


@contextmanager
def _as_a_process(width: int) -> Iterator[None]:
    """What a command changes in its process, put back after it: this process goes on.

    ``run_app`` ignores the terminating signals once the command is done (a process about to
    exit), and a stopped test run must still stop this one; a command sends poslink's log to
    its own handler, no longer to the root logger (where a test's ``caplog`` reads it); the
    command line's consoles are as wide as the terminal was when they were made, in a
    process that imported them earlier than the command ran, whatever its ``COLUMNS``."""
    from poslink.cli import _app
    from poslink.logs import LOGGER

    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    root, ours = logging.getLogger(), logging.getLogger(LOGGER)
    logged = (list(root.handlers), list(ours.handlers), ours.level, ours.propagate)
    widths = [(c, c._width) for c in (_app.out, _app.err)]
    for console, _ in widths:
        console.width = width
    try:
        yield
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
        root.handlers[:], ours.handlers[:], ours.level, ours.propagate = logged
        for console, was in widths:
            console._width = was


def poslink_here(*args: str | Path, env: dict[str, str] | None = None) -> Completed:
    """``poslink ARGS`` in this process, as the installed command runs once it has imported the
    command line (``run_app``: the same parsing, errors, messages and exit codes).

    For tests of what commands do, not of the process: a ``poslink`` process spends about a
    second starting Python and importing the command line before it does anything. Left out
    are the entry point's signal handlers and the collector's settings for batch work
    (``poslink.cli.main``): the tests of those start the installed command (``poslink``)."""
    from poslink.cli import app
    from poslink.cli.usage import run_app

    argv = ["poslink", *map(str, args)]
    saved = sys.argv
    variables = {"COLUMNS": "200", "NO_COLOR": "1", **(env or {})}
    with (
        CliRunner().isolation(env=variables) as (out, err, _),
        _warnings_as_a_process(),
        _as_a_process(int(variables["COLUMNS"])),
    ):
        sys.argv = argv
        try:
            code = run_app(app)
        except SystemExit as exc:  # as ``sys.exit(run_app(app))`` ends the process
            code = exc.code if isinstance(exc.code, int) else 1
        finally:
            sys.argv = saved
            sys.stdout.flush()  # what print() left in the streams' buffers
            sys.stderr.flush()
        stdout, stderr = out.getvalue().decode(), err.getvalue().decode()
    return subprocess.CompletedProcess(argv, code, stdout, stderr)


# POS files that cannot be read at all, with what the error must say.
BAD_POS_FILES = [
    (None, "no such file"),
    ("[{", "invalid JSON at line 1 column 3"),
    ('{"a": 1}', "expected a JSON array"),
]


def bad_pos_file(folder: Path, content: str | None) -> tuple[Path, Path]:
    """``pos.json`` with ``content`` (none: no file) and an earlier output that must survive."""
    pos = folder / "pos.json"
    if content is not None:
        pos.write_text(content, encoding="utf-8")
    out = folder / "out.csv"
    out.write_text("earlier output\n")
    return pos, out
