"""Database errors as poslink's: a failure that may pass is retryable, any other is not."""

from __future__ import annotations

from collections.abc import Callable

from poslink.exceptions import PoslinkError, Rule

# SQLSTATE classes and codes of failures that may pass: connection exceptions (08), not
# enough resources (53), the server shutting down or starting (57P), a serialization failure
# or deadlock (40001, 40P01), a lock or statement timeout (55P03, 57014).
_TRANSIENT_STATES = ("08", "53", "57P", "40001", "40P01", "55P03", "57014")
# Connection failures without a SQLSTATE that will not pass by waiting.
# "invalid": a connection option the URL sets wrongly ("invalid sslmode value").
_LASTING = (
    "authentication",
    "does not exist",
    "no password",
    "role ",
    "SSL",
    "certificate",
    "invalid ",
)


def first_line(exc: BaseException) -> str:
    """The first line of a database error's message (the driver's own, when there is one)."""
    text = str(getattr(exc, "orig", None) or exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__


def is_transient(exc: BaseException) -> bool:
    """Whether a database error may pass if the same work is tried again later.

    A server that refuses, drops or never answers the connection, a timeout, a lock held by
    another session, a deadlock: yes. A wrong password, a missing table, bad SQL: no.
    """
    orig = getattr(exc, "orig", None) or exc
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if state:
        return str(state).startswith(_TRANSIENT_STATES)
    text = str(orig)
    if type(orig).__module__.startswith("sqlite3"):
        return "locked" in text or "busy" in text
    if type(orig).__name__ in ("OperationalError", "ConnectionTimeout"):
        return not any(word in text for word in _LASTING)
    return False


def database_errors(
    doing: str, error: Callable[[str], PoslinkError], busy: Callable[[str], PoslinkError]
) -> Rule:
    """The ``map_errors`` rule for SQLAlchemy's errors while ``doing`` ("db: cannot read X").

    An error that may pass (``is_transient``) becomes ``busy`` (retryable: "... now: the
    driver's line (try again later)"), any other ``error`` ("...: the driver's line").
    """
    from sqlalchemy.exc import SQLAlchemyError

    def ours(exc: BaseException) -> PoslinkError:
        if is_transient(exc):
            return busy(f"{doing} now: {first_line(exc)} (try again later)")
        return error(f"{doing}: {first_line(exc)}")

    return SQLAlchemyError, ours
