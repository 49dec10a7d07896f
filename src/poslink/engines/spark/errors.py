"""Spark's errors as poslink's: one clear line for the user, never a JVM stack trace.

A poslink error raised inside an executor (a source that cannot read its file) travels back to
the driver inside Spark's own exception text; ``carried`` marks it on the way out and
``surfaced`` finds the mark and raises the same kind of error on the driver.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from poslink import exceptions
from poslink.exceptions import EngineError, InputError, PoslinkError, map_errors

_MARK = re.compile(r"\[poslink-error:(\w+)\] (.*?) \[/poslink-error\]", re.S)
_RAISED = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt)\b.*:")
_PATH = re.compile(r"Path does not exist: (\S+?)\.?(?: SQLSTATE|$)", re.M)


def carried(exc: PoslinkError, temp: str = "", location: str = "") -> RuntimeError:
    """An executor's poslink error, marked for the driver (``temp`` shown as ``location``)."""
    message = str(exc).replace(temp, location) if temp else str(exc)
    return RuntimeError(f"[poslink-error:{type(exc).__name__}] {message} [/poslink-error]")


def translate(exc: BaseException) -> PoslinkError:
    """The poslink error a failed Spark call stands for."""
    text = str(exc)
    marked = _MARK.search(text)
    if marked:
        kind = getattr(exceptions, marked.group(1), None)
        if isinstance(kind, type) and issubclass(kind, PoslinkError):
            return kind(marked.group(2))
        return EngineError(marked.group(2))
    condition = getattr(exc, "getCondition", lambda: None)()
    missing = _PATH.search(text)
    if condition == "PATH_NOT_FOUND" and missing:
        return InputError(f"{missing.group(1)}: no such file")
    return EngineError(f"spark job failed: {_gist(text) or type(exc).__name__}")


def _gist(text: str) -> str:
    """The line that says what went wrong: a Python worker's exception, else the first line."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if lines and lines[0].startswith("An exception was thrown from the Python worker"):
        raised = [line for line in lines if _RAISED.match(line)]
        if raised:
            return raised[-1]
    return lines[0] if lines else ""


@contextmanager
def surfaced() -> Iterator[None]:
    """Run Spark calls; a failure leaves as the poslink error it stands for.

    An interrupt (Ctrl-C, SIGTERM) that a Spark call's own clean-up turned into an error of
    its own (PySpark's ``toArrow`` asks the JVM for the job's result in a ``finally``, which
    fails once the interrupt closed the socket) leaves as that interrupt: exit 130 or 143,
    not "spark job failed".
    """
    try:
        with map_errors((Exception, translate)):
            yield
    except PoslinkError as exc:
        interrupt = _interrupt(exc)
        if interrupt is not None:
            raise interrupt from None
        raise


def _interrupt(exc: BaseException) -> KeyboardInterrupt | None:
    """The interrupt an error was raised while handling, if any (its context, at any depth)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt):
            return current
        seen.add(id(current))
        current = current.__context__
    return None
