"""The Typer app shared by every command module, and how commands report errors."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from poslink.exceptions import PoslinkError
from poslink.sources.pull import reporting_pages

app = typer.Typer(
    help="Link point-of-sale inventory records to a canonical cannabis product catalog.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, soft_wrap=True)  # an error stays on one line
out = Console(soft_wrap=True)


@contextmanager
def errors() -> Iterator[None]:
    """Turn poslink's errors into one line on stderr and exit code 2; no traceback."""
    try:
        yield
    except PoslinkError as exc:
        err.print(f"poslink: error: {exc}", markup=False, highlight=False)
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        err.print("poslink: interrupted; no output written", markup=False)
        raise typer.Exit(130) from None


@contextmanager
def progress(enabled: bool, total: int | None) -> Iterator[Callable[[int], None] | None]:
    """A Rich progress bar on stderr, or nothing; yields the function that advances it."""
    if not enabled:
        yield None
        return
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("matching", total=total)
        pulls: dict[str, TaskID] = {}

        def page(label: str, done: int, pages: int | None) -> None:
            # A source pulling from an API reports each page: one bar per API, by page.
            if label not in pulls:
                pulls[label] = bar.add_task(f"pulling {label} pages", total=pages)
            bar.update(pulls[label], completed=done, total=pages)

        with reporting_pages(page):
            yield lambda n: bar.advance(task, n)
