"""Errors in the command line itself (an unknown option, a bad value, a missing option) told
as every other error is (README, "Exit codes"): one line, ``poslink: error: ...`` with a hint
to run the command's ``--help``, or one JSON object with its ``exit_code`` under
``--log-format json``; exit code 2.

In its standalone mode Click lets Typer print such an error as a boxed Rich panel under the
usage line, several lines that a log collector splits apart. ``run_app`` runs the app with
``standalone_mode=False`` instead, Click's documented way to have the error raised to the
caller; help, ``--version`` and a command's exit code come back as before.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from signal import SIGINT
from typing import Any, Protocol, cast

import typer

from poslink import logs
from poslink.cli._app import CommandLine, StoppedStarting, report
from poslink.exceptions import EXIT_USAGE, plain
from poslink.signals import settle


class _ClickError(Protocol):
    """What a Click error offers: its exit code and its message."""

    exit_code: int

    def format_message(self) -> str:
        """The message, without the usage or the hint."""


def _click_exception() -> type[Exception]:
    """Click's ``ClickException``, as raised by the Click that Typer runs on.

    Since 0.26 Typer carries its own copy of Click (``typer._click``, private), so the
    ``click`` package's class is not the one raised; the public ``typer.BadParameter`` derives
    from the right one in every Typer version."""
    for cls in typer.BadParameter.__mro__:
        if cls.__name__ == "ClickException":
            return cast(type[Exception], cls)
    return typer.BadParameter  # not reached: a BadParameter is a ClickException


ClickException = _click_exception()


def _message(exc: Exception) -> str:
    """The error's message on one line, with the hint to run the command's ``--help``."""
    text = cast(_ClickError, exc).format_message()
    # A message from a parameter's callback may span lines; a log line may not.
    message = " ".join(line.strip() for line in text.splitlines() if line.strip())
    message = plain(message)  # Typer checks some values with pydantic
    ctx: Any = getattr(exc, "ctx", None)  # a usage error knows the command it is about
    if ctx is not None and ctx.command.get_help_option(ctx) is not None:
        # "--help" rather than Click's first name ("-h"): it says what it does.
        name = max(ctx.help_option_names, key=len)
        message = f"{message.removesuffix('.')}; try '{ctx.command_path} {name}'"
    return message


def tell(exc: Exception, args: Sequence[str]) -> int:
    """Report a Click error as poslink reports its own; the exit code (Click's: 2 for usage)."""
    code = cast(_ClickError, exc).exit_code
    if type(exc).__name__ == "NoArgsIsHelpError":
        # No command given: the help is the answer, not an error line (Typer has printed it
        # already; a plain Click gives it as the message). Known by name, as Typer's own
        # handling knows it: the class is not public.
        text = cast(_ClickError, exc).format_message()
        if text.strip():
            typer.echo(text, err=True)
        return code
    logs.configure(fmt=logs.log_format_in(args))
    report(_message(exc), code, "usage" if code == EXIT_USAGE else "error")
    return code


def run_app(app: typer.Typer) -> int:
    """Run ``app`` on the command line (``sys.argv``); the exit code. Once the app is done the
    process only exits: signals are ignored from there (``signals.settle``)."""
    args = sys.argv[1:]  # what Click parses, read again for --log-format if it fails
    try:
        try:
            code = app(prog_name="poslink", standalone_mode=False)
        finally:
            settle()
    except ClickException as exc:
        return tell(exc, args)
    except (KeyboardInterrupt, StoppedStarting) as exc:
        # While Typer makes the command, or Click parses the command line (``CommandLine``):
        # as ``poslink.entry`` reports one during the import, since no command has run yet.
        # Or just after the app returned: then the command did run, and this says so.
        if not isinstance(exc, StoppedStarting):
            exc = StoppedStarting(getattr(exc, "signum", SIGINT), CommandLine.started)
        message, code, kind = logs.stopped_while_starting(exc)
        logs.configure(fmt=logs.log_format_in(args))
        report(message, code, kind)
        return code
    except typer.Abort:  # end of input at a prompt: 1, as Click exits
        logs.configure(fmt=logs.log_format_in(args))
        report("aborted", 1, "error")
        return 1
    # Not standalone, Click returns the code of an exit, or what the command returned (None).
    return code if isinstance(code, int) else 0
