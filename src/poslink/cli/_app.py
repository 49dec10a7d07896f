"""The Typer app shared by every command module, and how commands report errors and exit.

Exit codes (README, "Exit codes"): 0 success; 1 the run completed but rejected more records
than ``--max-reject-rate`` allows (``eval``: a figure under ``--fail-under``); 2 usage; 3 data
error (an input cannot be read); 4 environment error (cannot write, a worker died); 75 a
retryable failure (a locked store, a database that does not answer, an input still being
written); 130 interrupted (SIGINT); 143 terminated (SIGTERM).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from signal import SIGINT
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from typer.core import TyperGroup

from poslink import logs
from poslink.exceptions import (
    EXIT_ENVIRONMENT,
    EXIT_INTERRUPTED,
    PoslinkError,
    Terminated,
)
from poslink.files.atomic import is_stream
from poslink.sources.base import Source
from poslink.sources.pull import reporting_pages


class StoppedStarting(Exception):
    """A Ctrl-C or terminate signal that reached Click outside a command's own handling:
    while it parsed the command line, or before the command entered ``errors`` (``started``:
    after, as it ended). Not a ``KeyboardInterrupt``, so that Typer lets it out (``run_app``
    reports it)."""

    def __init__(self, signum: int, started: bool) -> None:
        super().__init__(signum)
        self.signum = signum
        self.started = started


class CommandLine(TyperGroup):
    """The command line's group. Typer turns an interrupt that escapes a command into a
    silent exit 130, SIGTERM's included; here it becomes ``StoppedStarting``."""

    # Whether a command has entered ``errors``: its work, all of it within, has begun.
    started = False

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        """Click's context for the command line (it parses the arguments)."""
        CommandLine.started = False
        with _stopped_starting():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: Any) -> Any:
        """Run the command line's subcommand (parsing its own arguments first)."""
        with _stopped_starting():
            return super().invoke(ctx)


@contextmanager
def _stopped_starting() -> Iterator[None]:
    try:
        yield
    except KeyboardInterrupt as exc:
        raise StoppedStarting(getattr(exc, "signum", SIGINT), CommandLine.started) from None


app = typer.Typer(
    cls=CommandLine,
    help="Link point-of-sale inventory records to a canonical cannabis product catalog.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
err = Console(stderr=True, soft_wrap=True)  # an error stays on one line
out = Console(soft_wrap=True)


def beside(written: Path) -> Console:
    """Where a command says what it wrote to ``written``: stderr when that is standard output
    (``--out -``) or another stream, so that the CSV or JSON there stays whole (as ``run``
    does with its summary line); stdout otherwise."""
    return err if is_stream(written) else out


log = logging.getLogger("poslink")


def poslink_version() -> str:
    """The installed poslink's version."""
    try:
        return version("poslink")
    except PackageNotFoundError:
        return "unknown"


def _show_version(value: bool) -> None:
    if value:
        out.print(f"poslink {poslink_version()}", markup=False, highlight=False)
        raise typer.Exit()


@app.callback()
def main_options(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_show_version,
            is_eager=True,
            help="print poslink's version and exit",
        ),
    ] = False,
) -> None:
    """Link point-of-sale inventory records to a canonical cannabis product catalog."""
    logs.configure()


class Outcome:
    """How a command ended, for ``--summary-json``: filled in by ``errors``."""

    def __init__(self) -> None:
        self.status = "ok"
        self.exit_code = 0
        self.error: str | None = None
        self.published = False


def _stop(exc: BaseException, outcome: Outcome) -> typer.Exit:
    """Log why the command stopped; the exit to raise."""
    if isinstance(exc, KeyboardInterrupt):
        terminated = isinstance(exc, Terminated)
        code = exc.exit_code if isinstance(exc, Terminated) else EXIT_INTERRUPTED
        what = f"terminated by {exc}" if terminated else "interrupted"
        done = getattr(exc, "published", False)
        outcome.status, outcome.published = ("terminated" if terminated else "interrupted"), done
        message = f"{what}; " + (
            "the run had completed and published its output"
            if done
            else "the run stopped cleanly: no output written, the decision store unchanged"
        )
        kind = outcome.status
    elif isinstance(exc, PoslinkError):
        code, kind, message = exc.exit_code, exc.kind, str(exc)
        outcome.status = "error" if kind != "rejects" else "rejects"
    else:  # an OSError the code did not expect: still one line, an environment error
        assert isinstance(exc, OSError)
        code, kind = EXIT_ENVIRONMENT, "environment"
        where = f"{exc.filename}: " if exc.filename else ""
        message = f"{where}{exc.strerror or exc}"
        outcome.status = "error"
    outcome.exit_code, outcome.error = code, message
    report(message, code, kind)
    return typer.Exit(code)


def report(message: str, code: int, kind: str) -> None:
    """Log an error that ends the command: one line, ``poslink: error: ...``, or with
    ``--log-format json`` one object with its ``exit_code`` and ``kind`` (``usage``, ``data``)."""
    log.error(message, extra={"fields": {"exit_code": code, "kind": kind}})


@contextmanager
def errors(outcome: Outcome | None = None) -> Iterator[Outcome]:
    """Turn poslink's errors and interruptions into one line on stderr and the exit code."""
    outcome = outcome or Outcome()
    CommandLine.started = True
    try:
        yield outcome
    except (PoslinkError, KeyboardInterrupt, OSError) as exc:
        raise _stop(exc, outcome) from None


class RunProgress:
    """A Rich progress bar on stderr: records done and, when the input's size is known, the
    share of the file read, with the time left."""

    def __init__(self, bar: Progress) -> None:
        self.bar = bar
        self.task = bar.add_task("matching", total=None, count="0 records", records=0)
        self.records = 0
        self.source: Source | None = None
        self._shown = 0.0

    def watch(self, source: Source) -> None:
        """Follow how far the source has read its file."""
        self.source = source

    def __call__(self, records: int) -> None:
        """``records`` more are done."""
        self.records += records
        now = time.monotonic()
        if now - self._shown < 0.1:
            return
        self._shown = now
        update: dict[str, Any] = {"count": f"{self.records:,} records", "records": self.records}
        if self.source is not None:
            done, size = self.source.progress()
            if size:
                update.update(total=size, completed=min(done, size))
        self.bar.update(self.task, **update)


@contextmanager
def progress(enabled: bool) -> Iterator[RunProgress | None]:
    """A progress bar on stderr, or nothing."""
    if not enabled:
        yield None
        return
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[count]}"),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err, transient=True) as bar:
        pulls: dict[str, TaskID] = {}

        def page(label: str, done: int, pages: int | None) -> None:
            # A source pulling from an API reports each page: one bar per API, by page.
            if label not in pulls:
                pulls[label] = bar.add_task(f"pulling {label}", total=pages, count="")
            bar.update(pulls[label], completed=done, total=pages, count=f"{done:,} pages")

        with reporting_pages(page):
            yield RunProgress(bar)


Tick = Callable[[int], None]


def counted(n: int, noun: str) -> str:
    """``1 lesson``, ``2 lessons``: a count and its noun (a regular plural)."""
    return f"{n} {noun}{'' if n == 1 else 's'}"
