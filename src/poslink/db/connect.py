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
    other secret-looking query value."""
    import sqlalchemy as sa
    from sqlalchemy.exc import ArgumentError

    try:
        url = sa.make_url(location)
    except ArgumentError:
        return _masked(location)
    query = {k: "***" if SECRET_PARAM.search(k) else v for k, v in url.query.items()}
    # (SQLAlchemy escapes the stars; they are shown as given.)
    shown = url.set(query=query).render_as_string(hide_password=True)
    return shown.replace("=%2A%2A%2A", "=***")


# What a URL SQLAlchemy cannot parse may still hold: a password before the host, secret
# query values (their parameter names as ``SECRET_PARAM`` knows them).
_USER_PASSWORD = re.compile(r"(?P<user>//[^/?#@:]*):[^/?#]*@")
_QUERY_VALUE = re.compile(r"(?P<name>[?&][^=&#]*)=(?P<value>[^&#]*)")


def _masked(location: str) -> str:
    """An unparseable URL with what looks like a password or a secret replaced by ``***``."""
    shown = _USER_PASSWORD.sub(r"\g<user>:***@", location)
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
    connect_args = {**server_options(location, timeouts), **options.pop("connect_args", {})}
    with map_errors(
        (NoSuchModuleError, lambda e: error(f"{where}: no SQLAlchemy dialect for this URL: {e}")),
        (
            ImportError,
            lambda e: error(
                f"{where}: database driver {e.name or ''} is not installed;"
                " try: pip install 'poslink[postgres]'"
            ),
        ),
        (ArgumentError, lambda e: error(f"{where}: not a database URL: {e}")),
    ):
        return sa.create_engine(location, connect_args=connect_args, **options)
