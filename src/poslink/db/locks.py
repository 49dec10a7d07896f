"""SQLite's locks waited for in turns, so that a run waiting for one can still be stopped.

SQLite lets one writer at a time hold a database, and a reader wait for a writer's commit. A
connection's own busy timeout waits without handling signals; here each attempt waits only
``ATTEMPT`` seconds, a signal (Ctrl-C, SIGTERM) is handled between attempts, and a wait that
runs out is a retryable error naming what is locked.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlalchemy as sa

# How long one attempt waits for a lock: a signal is handled between attempts.
ATTEMPT = 0.1


def wait_for_lock(
    attempt: Callable[[], None], timeout: float, busy: Callable[[], Exception]
) -> None:
    """Call ``attempt`` until it is not refused by a SQLite lock, for up to ``timeout`` s.

    Each attempt waits a short while itself (the connection's busy timeout); between them a
    signal (Ctrl-C, SIGTERM) is handled, so a run waiting for a lock can still be stopped.
    Then ``busy()`` is raised: a retryable error naming what is locked.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            attempt()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if time.monotonic() >= deadline:
                raise busy() from exc
            time.sleep(ATTEMPT / 2)


def sqlite_transactions(
    engine: sa.Engine, lock_timeout: float, busy: Callable[[], Exception]
) -> None:
    """SQLite transactions begun by poslink, their locks taken as they begin, in turns.

    pysqlite's own transaction handling is turned off (it begins lazily, so two writers that
    both read first deadlock, and one fails at once). A write transaction (a connection with
    the ``poslink_write`` execution option) takes the write lock (``BEGIN IMMEDIATE``), a read
    transaction the shared lock, as it begins, trying every ``ATTEMPT`` seconds until
    ``lock_timeout`` has passed; then ``busy()`` is raised.
    """
    import sqlalchemy as sa

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi: Any, record: Any) -> None:
        dbapi.isolation_level = None

    @sa.event.listens_for(engine, "begin")
    def _begin(con: sa.Connection) -> None:
        raw = con.connection.driver_connection
        assert raw is not None
        write = bool(con.get_execution_options().get("poslink_write"))

        def attempt() -> None:
            if raw.in_transaction:
                raw.execute("ROLLBACK")
            raw.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            if not write:  # take the shared lock now, while a signal can be handled
                raw.execute("SELECT count(*) FROM sqlite_master").fetchone()

        raw.execute(f"PRAGMA busy_timeout = {round(ATTEMPT * 1000)}")
        try:
            wait_for_lock(attempt, lock_timeout, busy)
        finally:
            # A commit waits for readers to finish: that wait may take the whole timeout.
            raw.execute(f"PRAGMA busy_timeout = {round(lock_timeout * 1000)}")
