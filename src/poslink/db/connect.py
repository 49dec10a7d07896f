"""Connecting to a database by SQLAlchemy URL: every wait on the server bounded, the URL shown
without its password."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

from poslink.config import Timeouts
from poslink.exceptions import PoslinkError, map_errors
from poslink.sources.redaction import SECRET_PARAM

if TYPE_CHECKING:  # SQLAlchemy is imported when a database is used, not when plugins are listed
    import sqlalchemy as sa


def describe_url(location: str) -> str:
    """The URL as it may be shown to a user: without its password, whether it is given before
    the host or as a query parameter (``?password=``, which libpq reads as well), nor any
    other secret-looking query value.

    A URL SQLAlchemy cannot parse (a port that is no number), or whose user part holds an
    unencoded ``@`` (SQLAlchemy would take the password's tail for the host, and show it), is
    masked by its shape instead (``_masked``).
    """
    import sqlalchemy as sa
    from sqlalchemy.exc import ArgumentError

    if _unencoded_at(location):
        return _masked(location)
    try:
        url = sa.make_url(location)
    except (ArgumentError, ValueError):
        return _masked(location)
    query = {k: "***" if SECRET_PARAM.search(k) else v for k, v in url.query.items()}
    # (SQLAlchemy escapes the stars; they are shown as given.)
    shown = url.set(query=query).render_as_string(hide_password=True)
    return shown.replace("=%2A%2A%2A", "=***")


def _user_part(location: str) -> tuple[str, str, str]:
    """``scheme://``, the user part up to its last ``@`` ("" when none), and the rest.

    The user part ends at the last ``@`` before the query: a password may hold ``/`` or ``@``.
    """
    scheme, sep, rest = location.partition("://")
    query = rest.find("?")
    at = rest.rfind("@", 0, query if query >= 0 else len(rest))
    return scheme + sep, rest[: at + 1], rest[at + 1 :]


def _unencoded_at(location: str) -> bool:
    """Whether the user name or password holds a bare ``@`` (it must be written ``%40``)."""
    return _user_part(location)[1].count("@") > 1


# A query parameter and its value, for the secret-looking ones (``SECRET_PARAM``) to be masked.
_QUERY_VALUE = re.compile(r"(?P<name>[?&][^=&#]*)=(?P<value>[^&#]*)")


def _masked(location: str) -> str:
    """A URL SQLAlchemy cannot read, as it may be shown: the password of its user part (up to
    the last ``@``) and its secret-looking query values replaced by ``***``."""
    start, user, rest = _user_part(location)
    shown = f"{start}{user.split(':', 1)[0]}:***@{rest}" if ":" in user else location
    return _QUERY_VALUE.sub(
        lambda m: f"{m['name']}=***" if SECRET_PARAM.search(m["name"]) else m[0], shown
    )


def describe(location: str) -> str:
    """A catalog or store location as it may be shown: a URL without its password."""
    return describe_url(location) if "://" in location else location


def server_options(location: str, timeouts: Timeouts | None) -> dict[str, Any]:
    """The connection arguments that bound every wait on a database server.

    PostgreSQL (psycopg): ``connect_timeout`` (the client gives up on a server that accepts
    and never answers; libpq's least is 2 s), and the server-side ``statement_timeout`` and
    ``lock_timeout`` of the session. A value the URL sets itself is left as it is.
    """
    import sqlalchemy as sa
    from sqlalchemy.exc import ArgumentError

    timeouts = timeouts or Timeouts()
    try:
        url = sa.make_url(location)
    except ArgumentError:
        return {}
    if url.get_backend_name() != "postgresql":
        return {}
    args: dict[str, Any] = {}
    if "connect_timeout" not in url.query:
        args["connect_timeout"] = max(2, math.ceil(timeouts.connect))
    if "options" not in url.query:
        statement, lock = (round(s * 1000) for s in (timeouts.statement, timeouts.lock))
        args["options"] = f"-c statement_timeout={statement} -c lock_timeout={lock}"
    return args


def make_engine(
    location: str,
    error: type[PoslinkError],
    timeouts: Timeouts | None = None,
    **options: Any,
) -> sa.Engine:
    """A SQLAlchemy engine for ``location``; ``error`` (naming the URL) when it cannot be made.

    Every wait on the server is bounded (``server_options``).
    """
    import sqlalchemy as sa
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    where = describe_url(location)
    if _unencoded_at(location):
        # Connecting would name the password's tail as the host in the driver's own error.
        raise error(
            f"{where}: not a database URL: write an '@' in the user name or password as %40"
        )
    try:
        sa.make_url(location)
    except ValueError as exc:  # a port that is no number (SQLAlchemy lets int() raise)
        raise error(f"{where}: not a database URL: {exc}") from exc
    connect_args = {**server_options(location, timeouts), **options.pop("connect_args", {})}
    # poslink's extra brings PostgreSQL's driver only; another database's is the user's to pick.
    postgres = location.partition("://")[0].partition("+")[0] in ("postgresql", "postgres")
    hint = "try: pip install 'poslink[postgres]'" if postgres else "install it for this database"
    with map_errors(
        (NoSuchModuleError, lambda e: error(f"{where}: no SQLAlchemy dialect for this URL: {e}")),
        (
            ImportError,
            lambda e: error(f"{where}: database driver {e.name or ''} is not installed; {hint}"),
        ),
        (ArgumentError, lambda e: error(f"{where}: not a database URL: {e}")),
    ):
        return sa.create_engine(location, connect_args=connect_args, **options)
