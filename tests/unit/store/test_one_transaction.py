"""A run with a decision store writes it in one transaction: its decisions, its run row and
where its output is published (with the output's digest), before the output is put in place.
A network sync does so once per store. On both stores: SQLite and a throw-away PostgreSQL.

The transactions are counted as SQLAlchemy runs them (its connection events): one that
executes an INSERT, UPDATE or DELETE is a writing transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from helpers import storehelp
from helpers.storehelp import read_feed, write_feed
from poslink.files.rejects import rejects_path
from poslink.network.manifest import StoreEntry
from poslink.network.sync import sync_network
from poslink.pipeline import RunConfig, run
from poslink.store.db import DecisionStore

WRITES = ("INSERT", "UPDATE", "DELETE")


class Transactions:
    """The transactions begun on any SQLAlchemy engine, and which of them wrote."""

    def __init__(self) -> None:
        self.begun = 0
        self.current: dict[int, int] = {}  # connection -> its transaction's number
        self.writing: set[int] = set()

    def begin(self, conn: sa.Connection) -> None:
        self.begun += 1
        self.current[id(conn)] = self.begun

    def execute(self, conn: sa.Connection, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith(WRITES):
            self.writing.add(self.current[id(conn)])

    def take(self) -> int:
        """How many transactions wrote since the last ``take``."""
        wrote = len(self.writing)
        self.writing.clear()
        return wrote


@pytest.fixture
def transactions() -> Iterator[Transactions]:
    seen = Transactions()
    sa.event.listen(sa.Engine, "begin", seen.begin)
    sa.event.listen(sa.Engine, "before_cursor_execute", seen.execute)
    try:
        yield seen
    finally:
        sa.event.remove(sa.Engine, "before_cursor_execute", seen.execute)
        sa.event.remove(sa.Engine, "begin", seen.begin)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def last_run(decisions: str) -> dict[str, Any]:
    with DecisionStore(decisions) as store:
        return store.runs()[-1]


def one_run(pos: Path, out: Path, decisions: str) -> None:
    run(RunConfig(pos=pos, catalog=str(storehelp.EXAMPLE_CATALOG), out=out, decisions=decisions))


def test_each_run_writes_the_store_once(
    tmp_path: Path, decisions: str, transactions: Transactions
) -> None:
    DecisionStore(decisions).close()  # the tables made: opening a made store writes nothing
    transactions.take()
    feed = read_feed()
    pos = write_feed(tmp_path / "pos.json", feed)
    out = tmp_path / "out.csv"
    changed = [dict(r) for r in feed]
    changed[3]["productName"] = "Velvet Moon Vaporizer CARTRIDGE -0.5g- Emerald Coast"
    # Every record new; one changed; the same feed again (its earlier output copied).
    for records in (feed, changed, changed):
        write_feed(pos, records)
        one_run(pos, out, decisions)
        assert transactions.take() == 1
        recorded = last_run(decisions)
        # Recorded before the output was put in place, and true of it once it is.
        assert recorded["output"] == str(out.resolve())
        assert recorded["output_digest"] == digest(out)
        assert recorded["rejects_digest"] == digest(rejects_path(out))
    assert last_run(decisions)["matched_now"] == 0  # the last run copied the output


def test_an_output_never_published_is_not_reused(tmp_path: Path, decisions: str) -> None:
    # The run is recorded, then (as if killed before the rename) its output is not in place.
    pos = write_feed(tmp_path / "pos.json", read_feed())
    out = tmp_path / "out.csv"
    one_run(pos, out, decisions)
    first = tmp_path / "first.csv"
    first.write_bytes(out.read_bytes())
    out.write_bytes(first.read_bytes().replace(b"\r\n", b"\n", 1))
    one_run(pos, out, decisions)
    assert storehelp.without_source(out) == storehelp.without_source(first)
    assert storehelp.sources(out) == {"reused", ""}  # record by record, not a copy


def test_a_sync_writes_the_store_once_per_store(
    tmp_path: Path, decisions: str, transactions: Transactions
) -> None:
    DecisionStore(decisions).close()
    transactions.take()
    feed = read_feed()
    names = ("north", "south", "east")
    entries = [
        StoreEntry(name, "jane-json", write_feed(tmp_path / f"{name}.json", feed), {})
        for name in names
    ]
    out = tmp_path / "out"
    sync = RunConfig(pos=out, catalog=str(storehelp.EXAMPLE_CATALOG), out=out, decisions=decisions)
    report = sync_network(entries, sync, out)
    assert [s.status for s in report.stores] == ["ok"] * len(names)
    assert transactions.take() == len(names)
    with DecisionStore(decisions) as store:
        runs = store.runs()[-len(names) :]
    assert [r["output_digest"] for r in runs] == [digest(out / f"{n}.csv") for n in names]
