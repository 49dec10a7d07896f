"""The ``poslink`` command's entry point, apart from the command line's own modules.

Importing the command line (``poslink.cli``: the matcher, PyArrow, pydantic, Typer) takes most
of a second. A Ctrl-C or a terminate signal in that time fell into whichever import was
running and ended in its traceback. Here it ends as an interrupted command does: one line and
exit 128 + the signal's number (130 for Ctrl-C, 143 for SIGTERM). Nothing had started, so
nothing was written. Once imported, the command line handles signals itself
(``poslink.signals``).

Before the command line, this module imports nothing of poslink's but the package's
``__init__``, which loads its names on first use (and ``logs.py``, standard library only, to
report an interrupt).
"""

from __future__ import annotations

import signal
import sys
from types import FrameType

_STOPPING = (signal.SIGTERM, signal.SIGHUP)


class _Stopped(KeyboardInterrupt):
    """A terminate signal that came while the command line was being imported."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, frame: FrameType | None) -> None:
    raise _Stopped(signum)


def main() -> None:
    """Import the command line and run it (``poslink.cli.main``)."""
    for signum in _STOPPING:
        # A signal the process was started ignoring stays ignored (nohup's SIGHUP).
        if signal.getsignal(signum) is not signal.SIG_IGN:
            signal.signal(signum, _stop)
    try:
        from poslink.cli import main as command_line

        # In the call too: until the command line installs its own handlers (its first
        # step), a signal is still this module's. Past that point no interrupt comes out of
        # it: each command reports its own and exits.
        command_line()
    except KeyboardInterrupt as exc:
        import logging

        from poslink import logs  # the standard library only

        message, code, kind = logs.stopped_while_starting(exc)
        logs.configure(fmt=logs.log_format_in(sys.argv[1:]))
        logging.getLogger(logs.LOGGER).error(
            message, extra={"fields": {"exit_code": code, "kind": kind}}
        )
        sys.exit(code)
