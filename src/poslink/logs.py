"""poslink's log on stderr: one line a message, as text (``poslink: warning: ...``) or JSON.

``--log-format json`` gives one JSON object a line (``time``, ``level``, ``logger``,
``message`` and the message's own fields, such as an error's ``exit_code``), for log
collectors. ``-q`` shows errors only, ``-v`` adds what a run is doing (INFO), ``-vv`` details
(DEBUG); warnings are shown by default. Standard output is left to the results.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Literal

LogFormat = Literal["text", "json"]
LOGGER = "poslink"


def level_for(verbose: int, quiet: bool) -> int:
    """The logging level for ``-v`` (counted) and ``-q``."""
    if quiet:
        return logging.ERROR
    return {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)


class _Stderr(logging.Handler):
    """Writes to whatever ``sys.stderr`` is when a message comes (a progress bar redirects it)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
            sys.stderr.flush()
        except Exception:  # a log line must never take a run down
            self.handleError(record)


class TextFormat(logging.Formatter):
    """``poslink: error: ...``; an INFO line is ``poslink: ...``."""

    def format(self, record: logging.LogRecord) -> str:
        """One line."""
        label = "" if record.levelno == logging.INFO else f"{record.levelname.lower()}: "
        return f"poslink: {label}{record.getMessage()}"


class JsonFormat(logging.Formatter):
    """One JSON object a line, the message's ``fields`` (``extra={"fields": {...}}``) merged."""

    def format(self, record: logging.LogRecord) -> str:
        """One line of JSON."""
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        data.update(getattr(record, "fields", None) or {})
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


class _Others(logging.Handler):
    """The root logger's handler: other libraries' warnings and errors, as Python's last resort
    writes them, but for py4j's (Spark's gateway).

    py4j reports a call a signal interrupted (Ctrl-C, SIGTERM while a Spark job runs) with
    ``logging.exception`` on the root logger, which without a handler there calls
    ``basicConfig``: tracebacks on stderr above the run's own one line. The run says what
    happened itself.
    """

    def __init__(self) -> None:
        super().__init__(logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith("py4j") or f"{os.sep}py4j{os.sep}" in record.pathname:
            return
        try:
            sys.stderr.write(self.format(record) + "\n")
        except Exception:
            self.handleError(record)


def configure(level: int = logging.WARNING, fmt: LogFormat = "text") -> None:
    """Send poslink's log to stderr at ``level``, in ``fmt``; replaces an earlier setting.

    Other libraries' records go to the root logger's one handler (``_Others``).
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, _Others):
            root.removeHandler(handler)
    root.addHandler(_Others())
    logger = logging.getLogger(LOGGER)
    for handler in list(logger.handlers):
        if isinstance(handler, _Stderr):
            logger.removeHandler(handler)
    handler = _Stderr()
    handler.setFormatter(JsonFormat() if fmt == "json" else TextFormat())
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False


def log_format_in(args: Sequence[str]) -> LogFormat:
    """The ``--log-format`` the command line asks for (``--log-format json`` or
    ``--log-format=json``; the last one wins, as in Click), read from its words: parsing may
    have failed before reaching the option, or the command may not have one."""
    found = "text"
    words = iter(args)
    for word in words:
        if word == "--":  # what follows are arguments, not options
            break
        if word == "--log-format":
            found = next(words, found)
        elif word.startswith("--log-format="):
            found = word.partition("=")[2]
    return "json" if found == "json" else "text"


def stopped_while_starting(stop: BaseException) -> tuple[str, int, str]:
    """What a command a signal stopped before it ran ends with: its message, exit code
    (128 + the signal's number) and kind (``interrupted``, ``terminated``), worded as a run's.

    ``stop`` is the interruption: its ``signum`` (none: Ctrl-C), and ``started`` when the
    command had begun its work (the signal came as it ended, past its own handling), so
    nothing is said of what it did."""
    signum = getattr(stop, "signum", signal.SIGINT)
    if signum == signal.SIGINT:
        what, kind = "interrupted", "interrupted"
    else:
        what, kind = f"terminated by {signal.Signals(signum).name}", "terminated"
    if getattr(stop, "started", False):
        return what, 128 + signum, kind
    return f"{what} while starting; nothing was read or written", 128 + signum, kind
