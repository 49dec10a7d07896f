"""Signals a scheduler sends, handled as Ctrl-C is: the run stops cleanly and says so.

``docker stop``, systemd and Kubernetes stop a process with SIGTERM; a closed terminal sends
SIGHUP. ``handle_termination`` makes both raise ``Terminated`` (a ``KeyboardInterrupt``), so
that the run unwinds as on Ctrl-C: the temporary output is removed, worker processes are
stopped, an open store transaction is rolled back, and the command exits 128 + the signal's
number (143 for SIGTERM).

``deferred`` holds those signals back for the few system calls that publish a finished run
(renames), so that a run is never stopped half-published; a signal that arrived meanwhile is
raised once they are done, marked ``published``.

``settle`` ignores them once the command has ended: the process only exits from there.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from poslink.exceptions import Terminated

TERMINATING = (signal.SIGTERM, signal.SIGHUP)


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise Terminated(signum)


def handle_termination() -> None:
    """From now on, SIGTERM and SIGHUP raise ``Terminated`` in the main thread. A signal the
    process was started ignoring stays ignored: ``nohup`` ignores SIGHUP so that a closed
    terminal does not stop the command."""
    for signum in TERMINATING:
        if signal.getsignal(signum) is not signal.SIG_IGN:
            signal.signal(signum, _terminate)


def settle() -> None:
    """The command has ended, its exit code decided and its error (if any) said: from now on
    SIGINT, SIGTERM and SIGHUP are ignored, and the process exits with that code.

    As Python exits it puts back the default action of every signal it had a handler for, and
    SIGTERM's kills the process (status -15: no line, not the documented code) while objects
    are still being freed; before that, the handler raised ``Terminated`` in an exit callback
    (an ignored exception's traceback). What the command did stays done either way. Ignored
    signals stay ignored as Python exits."""
    for signum in (signal.SIGINT, *TERMINATING):
        signal.signal(signum, signal.SIG_IGN)


class AfterPublishing:
    """Marks an interruption that comes once the output is published (``done`` set) with
    ``published = True``, as ``deferred`` marks one it held back: the run after publishing
    (closing the store, saying what it did) is no longer one a signal stops before it wrote.
    Not ``active``, it marks nothing."""

    def __init__(self, active: bool = True) -> None:
        self.active = active
        self.done = False

    def __enter__(self) -> AfterPublishing:
        return self

    def __exit__(self, kind: object, exc: BaseException | None, tb: object) -> None:
        if self.active and self.done and isinstance(exc, KeyboardInterrupt):
            exc.published = True  # type: ignore[attr-defined]


@contextmanager
def deferred() -> Iterator[None]:
    """Run the block without being interrupted; a signal that came meanwhile is raised after.

    The interruption raised after the block has ``published = True``: what the block
    published stays published.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []

    def note(signum: int, frame: FrameType | None) -> None:
        caught.append(signum)

    kinds = (signal.SIGINT, *TERMINATING)
    previous: dict[int, Any] = {s: signal.signal(s, note) for s in kinds}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    if caught:
        first = caught[0]
        handler = previous[first]
        stop: KeyboardInterrupt
        if first == signal.SIGINT and handler is signal.default_int_handler:
            stop = KeyboardInterrupt()
        elif handler is _terminate:
            stop = Terminated(first)
        else:
            signal.raise_signal(first)  # a handler of the caller's: let it act as it would
            return
        stop.published = True  # type: ignore[attr-defined]
        raise stop
