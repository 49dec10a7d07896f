"""A throw-away PostgreSQL server for the tests: its own cluster, directory and port.

The binaries come from the Debian package (``.ci/ensure-postgres`` installs it when missing).
PostgreSQL refuses to run as root, so as root the cluster belongs to, and runs as, the
``postgres`` system user (or ``nobody``); the directory is removed afterwards.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

USER = "poslink"


def find_bindir() -> Path | None:
    """The directory holding ``initdb``, ``pg_ctl`` and ``postgres``: newest Debian one first."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    for path in candidates:
        if all((path / exe).exists() for exe in ("initdb", "pg_ctl", "postgres")):
            return path
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PgServer:
    """One running cluster; ``url(db)`` addresses a database on it."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="poslink-pg-"))
        self.data = self.root / "data"
        self.port = 0
        self._runas: list[str] = []
        if os.geteuid() == 0:
            name = "postgres" if _user_exists("postgres") else "nobody"
            account = pwd.getpwnam(name)
            os.chown(self.root, account.pw_uid, account.pw_gid)
            self._runas = ["runuser", "-u", name, "--"]

    def _run(self, *args: str) -> None:
        result = subprocess.run(
            [*self._runas, *args], capture_output=True, text=True, check=False, cwd=self.root
        )
        if result.returncode != 0:
            log = self.root / "log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{' '.join(args)} failed:\n{result.stdout}{result.stderr}{tail}")

    def start(self) -> None:
        """initdb, then start on a free port (trying again if another process took it)."""
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            USER,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        )
        for attempt in range(3):
            self.port = _free_port()
            options = (
                f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
                " -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
            )
            try:
                self._run(
                    str(self.bindir / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-l",
                    str(self.root / "log"),
                    "-o",
                    options,
                    "-w",
                    "-t",
                    "60",
                    "start",
                )
                return
            except RuntimeError:
                if attempt == 2:
                    raise

    def stop(self) -> None:
        """Stop the server and remove its directory."""
        try:
            if (self.data / "postmaster.pid").exists():
                self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL of one database on this server."""
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres") -> psycopg.Connection[tuple[object, ...]]:
        """A psycopg connection in autocommit mode."""
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user=USER, dbname=database, autocommit=True
        )

    def create_database(self, name: str) -> str:
        """A new empty database; its URL."""
        with self.connect() as con:
            con.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@pytest.fixture(scope="session")
def postgres() -> Iterator[PgServer]:
    """A PostgreSQL server for the whole session (fails, never skips, without the binaries)."""
    bindir = find_bindir()
    assert bindir is not None, (
        "PostgreSQL binaries not found (initdb, pg_ctl, postgres); "
        "run `bash .ci/ensure-postgres` (apt-get install postgresql)"
    )
    server = PgServer(bindir)
    try:
        server.start()
        yield server
    finally:
        server.stop()


_counter = iter(range(1_000_000))


@pytest.fixture
def pg_database(postgres: PgServer) -> str:
    """The URL of a fresh database for one test."""
    return postgres.create_database(f"t{os.getpid()}_{next(_counter)}")


@pytest.fixture(params=["sqlite", "postgres"])
def decisions(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh decision store of each kind: a SQLite file, a database on the test server."""
    if request.param == "sqlite":
        return str(tmp_path / "decisions.db")
    url: str = request.getfixturevalue("pg_database")
    return url
