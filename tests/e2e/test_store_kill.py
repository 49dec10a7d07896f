"""A run killed with SIGKILL while it writes the decision store leaves the store as it was, and
the next run's output is complete and identical to an uninterrupted run's.

The kill lands inside the store's write transaction: on SQLite when its rollback journal
appears, on PostgreSQL when the run's server session holds a transaction id (has written).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from helpers import poslink, storehelp
from helpers.pgserver import PgServer
from helpers.storehelp import read_feed, store_rows, write_feed

RECORDS = 8_000
# Where the example's unusable record (a name of no letters or digits) stands in its feed.
UNUSABLE_AT = next(
    i for i, r in enumerate(read_feed()) if not any(c.isalnum() for c in r["productName"])
)


def big_feed(path: Path, first_id: int) -> Path:
    """The example records repeated to RECORDS records, with POS ids from ``first_id``."""
    base = read_feed()
    records = [{**base[i % len(base)], "productId": first_id + i} for i in range(RECORDS)]
    return write_feed(path, records)


def start_run(pos: Path, out: Path, decisions: str) -> subprocess.Popen[str]:
    exe = Path(sys.executable).with_name("poslink")
    args = ["run", "--pos", pos, "--catalog", storehelp.EXAMPLE_CATALOG, "--out", out]
    return subprocess.Popen(
        [str(exe), *map(str, args), "--decisions", decisions, "--store-id", "s1", "-q"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def kill_when(proc: subprocess.Popen[str], writing: Callable[[], bool]) -> bool:
    """SIGKILL the run as soon as ``writing()``; whether it was caught in the act."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if writing():
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(0.0005)
    proc.communicate()
    return False


def full_run(pos: Path, out: Path, decisions: str) -> None:
    result = poslink(
        "run", "--pos", pos, "--catalog", storehelp.EXAMPLE_CATALOG, "--out", out,
        "--decisions", decisions, "--store-id", "s1", "-q",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def scenario(
    tmp_path: Path, decisions: str, writing: Callable[[], bool], hot: Callable[[], bool]
) -> None:
    """Fill the store, kill a run with all new keys mid-write, check the store, run again."""
    full_run(big_feed(tmp_path / "pos.json", 1), tmp_path / "first.csv", decisions)
    # One example record in each round of the example's records is the unusable one.
    rounds, left = divmod(RECORDS, len(read_feed()))
    usable = RECORDS - rounds - (left > UNUSABLE_AT)
    assert len(store_rows(decisions)) == usable
    out = tmp_path / "second.csv"
    for attempt in range(1, 6):
        before = store_rows(decisions)
        second = big_feed(tmp_path / "pos.json", attempt * 10_000_000)
        if kill_when(start_run(second, out, decisions), writing) and hot() and not out.exists():
            break
        out.unlink(missing_ok=True)  # finished before the kill: try again with new keys
    else:
        pytest.fail("the run was never killed inside its store transaction")
    assert store_rows(decisions) == before  # the interrupted transaction left no trace
    full_run(second, out, decisions)
    reference = tmp_path / "reference"
    reference.mkdir()
    full_run(second, reference / "second.csv", str(reference / "decisions.db"))
    assert out.read_bytes() == (reference / "second.csv").read_bytes()
    assert len(store_rows(decisions)) == len(before) + usable


def test_sigkill_during_sqlite_write(tmp_path: Path) -> None:
    store = tmp_path / "decisions.db"
    journal = Path(f"{store}-journal")

    def journaled() -> bool:
        # Pages are in the journal: the transaction has begun changing the database. (Seen
        # again after the kill, it is a hot journal: the transaction was cut short.)
        try:
            return journal.stat().st_size > 0
        except FileNotFoundError:
            return False

    scenario(tmp_path, str(store), journaled, journaled)
    con = sqlite3.connect(store)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()


def test_sigkill_during_postgres_write(tmp_path: Path, postgres: PgServer) -> None:
    name = f"kill_{os.getpid()}"
    url = postgres.create_database(name)
    watcher = postgres.connect()

    def sessions(condition: str) -> list[Any]:
        return watcher.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
            + condition,
            (name,),
        ).fetchall()

    def writing() -> bool:
        return bool(sessions(" AND backend_xid IS NOT NULL"))

    def hot() -> bool:
        # The server rolls the session's transaction back once it sees the client gone.
        deadline = time.monotonic() + 30
        while sessions("") and time.monotonic() < deadline:
            time.sleep(0.05)
        return not sessions("")

    try:
        scenario(tmp_path, url, writing, hot)
    finally:
        watcher.close()
