"""Catalogs and stores that other programs hold: locked, read-only, silent, shared.

A wait that runs out is a retryable error (exit 75) with one line saying what is locked or
silent; a read-only catalog is read without leaving files beside it; two runs at once on one
store both finish, each with its own decisions.
"""

from __future__ import annotations

import shutil
import socket
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import poslink, storehelp
from helpers.faults import start
from helpers.pgserver import PgServer
from helpers.storehelp import store_rows

ROOT_ONLY = "mounting a read-only volume needs root (CI runs as root)"


def wal_catalog(path: Path) -> Path:
    """The example catalog, in WAL mode, closed (no -wal or -shm file beside it)."""
    shutil.copyfile(storehelp.EXAMPLE_CATALOG, path)
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode=WAL").fetchone() == ("wal",)
    con.close()
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]
    return path


def run_ok(catalog: Path | str, out: Path, *extra: str | Path) -> str:
    result = poslink("run", "--pos", storehelp.EXAMPLE_POS, "--catalog", catalog, "--out", out,
                     *extra)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout


def fails_retryably(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 75, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    for word in words:
        assert word in result.stderr, result.stderr


def test_a_locked_catalog_is_waited_for_then_called_locked(tmp_path: Path) -> None:
    catalog = shutil.copyfile(storehelp.EXAMPLE_CATALOG, tmp_path / "c.db")
    lock = sqlite3.connect(catalog, isolation_level=None)
    lock.execute("BEGIN EXCLUSIVE")  # a writer committing
    try:
        started = time.monotonic()
        result = poslink("run", "--pos", storehelp.EXAMPLE_POS, "--catalog", catalog,
                         "--out", tmp_path / "o.csv", "--lock-timeout", "1")  # fmt: skip
        waited = time.monotonic() - started
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    fails_retryably(result, "locked by another program", "waited 1 s")
    assert "not a SQLite catalog" not in result.stderr
    assert waited >= 1 and not (tmp_path / "o.csv").exists()
    run_ok(catalog, tmp_path / "o.csv")  # and once released, it is read


def test_a_wal_catalog_leaves_no_files_beside_it(tmp_path: Path) -> None:
    (tmp_path / "cat").mkdir()
    catalog = wal_catalog(tmp_path / "cat" / "c.db")
    run_ok(catalog, tmp_path / "o.csv")
    run_ok(storehelp.EXAMPLE_CATALOG, tmp_path / "plain.csv")
    assert (tmp_path / "o.csv").read_bytes() == (tmp_path / "plain.csv").read_bytes()
    assert sorted(p.name for p in catalog.parent.iterdir()) == ["c.db"]


def test_a_wal_catalog_a_writer_has_open_is_read_with_its_changes(tmp_path: Path) -> None:
    rename = "UPDATE products SET name = 'lunar lemonade reserve' WHERE id = 5001"
    reference = shutil.copyfile(storehelp.EXAMPLE_CATALOG, tmp_path / "reference.db")
    with sqlite3.connect(reference) as con:
        con.execute(rename)
    (tmp_path / "wal").mkdir()
    catalog = wal_catalog(tmp_path / "wal" / "c.db")
    writer = sqlite3.connect(catalog)
    writer.execute(rename)
    writer.commit()  # in the -wal file, not yet in the database file
    try:
        run_ok(catalog, tmp_path / "o.csv")
        assert {p.name for p in catalog.parent.iterdir()} == {"c.db", "c.db-wal", "c.db-shm"}
    finally:
        writer.close()
    run_ok(reference, tmp_path / "reference.csv")
    run_ok(storehelp.EXAMPLE_CATALOG, tmp_path / "plain.csv")
    got = (tmp_path / "o.csv").read_bytes()
    assert got == (tmp_path / "reference.csv").read_bytes()
    assert got != (tmp_path / "plain.csv").read_bytes()  # the change was read


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    """A read-only volume holding a WAL catalog."""
    import os

    if os.geteuid() != 0:
        pytest.skip(ROOT_ONLY)
    volume = tmp_path / "ro"
    volume.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(volume)],
                             capture_output=True, text=True, check=False)  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        wal_catalog(volume / "c.db")
        subprocess.run(["mount", "-o", "remount,ro", str(volume)], check=True)
        yield volume / "c.db"
    finally:
        subprocess.run(["umount", str(volume)], check=False)


def test_a_wal_catalog_on_a_read_only_volume_is_read(read_only: Path, tmp_path: Path) -> None:
    run_ok(read_only, tmp_path / "o.csv")
    run_ok(storehelp.EXAMPLE_CATALOG, tmp_path / "plain.csv")
    assert (tmp_path / "o.csv").read_bytes() == (tmp_path / "plain.csv").read_bytes()


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A local socket that accepts connections and never says a word (a hung server)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"postgresql+psycopg://poslink@127.0.0.1:{server.getsockname()[1]}/db"
    finally:
        stop.set()
        thread.join()
        for con in accepted:
            con.close()
        server.close()


@pytest.mark.parametrize("role", ["--catalog", "--decisions"])
def test_a_server_that_never_answers_times_out_retryably(
    silent_server: str, tmp_path: Path, role: str
) -> None:
    catalog = silent_server if role == "--catalog" else str(storehelp.EXAMPLE_CATALOG)
    extra = ["--decisions", silent_server] if role == "--decisions" else []
    started = time.monotonic()
    result = poslink("run", "--pos", storehelp.EXAMPLE_POS, "--catalog", catalog,
                     "--out", tmp_path / "o.csv", "--connect-timeout", "2", *extra)  # fmt: skip
    assert time.monotonic() - started < 30
    fails_retryably(result, "timeout", "try again later")
    assert not (tmp_path / "o.csv").exists()


def test_a_statement_over_its_timeout_is_retryable(tmp_path: Path, pg_database: str,
                                                   postgres: PgServer) -> None:  # fmt: skip
    name = pg_database.rsplit("/", 1)[1]
    with postgres.connect(name) as con:
        storehelp.copy_catalog_to_postgres(storehelp.catalog_rows(), con)
        con.execute("CREATE VIEW slow AS SELECT * FROM products WHERE pg_sleep(0.1)::text = ''")
    result = poslink("run", "--pos", storehelp.EXAMPLE_POS, "--catalog", pg_database,
                     "--catalog-table", "slow", "--out", tmp_path / "o.csv",
                     "--statement-timeout", "0.5")  # fmt: skip
    fails_retryably(result, "statement timeout")


def test_a_locked_store_is_waited_for_then_called_locked(tmp_path: Path) -> None:
    store = tmp_path / "d.db"
    run_ok(storehelp.EXAMPLE_CATALOG, tmp_path / "1.csv", "--decisions", store)
    before = store_rows(str(store))
    lock = sqlite3.connect(store, isolation_level=None)
    lock.execute("BEGIN EXCLUSIVE")
    try:
        result = poslink("run", "--pos", storehelp.EXAMPLE_POS, "--catalog",
                         storehelp.EXAMPLE_CATALOG, "--out", tmp_path / "2.csv",
                         "--decisions", store, "--lock-timeout", "1")  # fmt: skip
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    fails_retryably(result, "decision store is locked", "waited 1 s")
    assert store_rows(str(store)) == before and not (tmp_path / "2.csv").exists()


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_runs_at_once_on_one_new_store_all_finish(
    tmp_path: Path, kind: str, request: pytest.FixtureRequest
) -> None:
    """Three runs start together on a store that does not exist yet: they create it once,
    each writes its own decisions, and each output is what a run alone writes."""
    runs = 3
    if kind == "sqlite":
        store, alone = str(tmp_path / "d.db"), str(tmp_path / "alone.db")
    else:
        store = request.getfixturevalue("pg_database")
        server: PgServer = request.getfixturevalue("postgres")
        alone = server.create_database(f"{store.rsplit('/', 1)[1]}_alone")

    def args(n: int, decisions: str, out: str) -> list[str | Path]:
        return ["run", "--pos", storehelp.EXAMPLE_POS, "--catalog", storehelp.EXAMPLE_CATALOG,
                "--out", tmp_path / f"{out}{n}.csv", "--decisions", decisions,
                "--store-id", f"store-{n}", "-q"]  # fmt: skip

    procs = [start(*args(n, store, "o")) for n in range(runs)]
    for proc in procs:
        _, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 0, stderr
    from poslink.store.db import DecisionStore

    with DecisionStore(store) as opened:
        decided = opened.decisions()
        assert len(opened.runs()) == runs
    assert len(decided) == runs * 28
    assert {d["store"] for d in decided} == {f"store-{n}" for n in range(runs)}
    # The store's name is not in the output: one run alone is every run's reference.
    done = poslink(*args(0, alone, "alone"))
    assert done.returncode == 0, done.stderr
    for n in range(runs):
        assert (tmp_path / f"o{n}.csv").read_bytes() == (tmp_path / "alone0.csv").read_bytes()
