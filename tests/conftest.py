"""Shared fixtures: the reference data in ../shared, a small catalog, the CLI runner."""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

from poslink.cli import app
from poslink.matching import CatalogIndex, Matcher
from poslink.records import CatalogProduct

# The throw-away PostgreSQL server fixtures (``postgres``, ``pg_database``).
pytest_plugins = ["pgserver"]

REPO = Path(__file__).resolve().parents[1]
# The reference data lives beside the clone (../shared), as on CI; POSLINK_SHARED_DATA overrides.
SHARED = Path(os.environ.get("POSLINK_SHARED_DATA", REPO.parent / "shared" / "data"))
CHALLENGE = SHARED / "challenge"
KUSHY = SHARED / "kushy"
EXAMPLES = REPO / "examples"
# The bundled example's input and catalog, as ``poslink run`` arguments.
EXAMPLE_ARGS = ("--pos", EXAMPLES / "jane/pos.json", "--catalog", EXAMPLES / "jane/catalog.db")


@pytest.fixture(autouse=True)
def _poslink_logger() -> Iterator[None]:
    """Each test starts with poslink's logger as it found it: an in-process CLI run configures
    it (its own handler, no propagation), which would hide later tests' records from caplog."""
    logger = logging.getLogger("poslink")
    saved = (list(logger.handlers), logger.level, logger.propagate)
    yield
    logger.handlers[:], logger.level, logger.propagate = saved


def _need(path: Path) -> Path:
    # Fail, never skip: a suite that quietly skips its reference data proves nothing.
    assert path.exists(), f"reference data missing: {path} (the repository expects ../shared)"
    return path


@pytest.fixture(scope="session")
def challenge() -> Path:
    """The reference example: POS export, catalog and labels."""
    return _need(CHALLENGE)


@pytest.fixture(scope="session")
def kushy() -> Path:
    """The public Kushy data set."""
    return _need(KUSHY)


def make_catalog(path: Path, rows: Sequence[tuple[object, ...]]) -> Path:
    """A SQLite catalog of (id, amount, brand, lineage, name, type, subtype) rows."""
    con = sqlite3.connect(path)
    con.execute(
        "CREATE TABLE products (id int primary key, amount text, brand text, lineage text,"
        " name text not null, product_type text, product_subtype text, url text)"
    )
    con.executemany("INSERT INTO products VALUES (?, ?, ?, ?, ?, ?, ?, '')", rows)
    con.commit()
    con.close()
    return path


def products(rows: Sequence[tuple[object, ...]]) -> list[CatalogProduct]:
    """CatalogProducts from (id, amount, brand, lineage, name, type, subtype) tuples."""
    return [
        CatalogProduct(
            id=str(r[0]),
            amount=str(r[1]),
            brand=str(r[2]),
            lineage=str(r[3]),
            name=str(r[4]),
            product_type=str(r[5]),
            product_subtype=str(r[6]),
        )
        for r in rows
    ]


@pytest.fixture
def matcher_for() -> Callable[[Sequence[tuple[object, ...]]], Matcher]:
    """A matcher over an in-memory catalog."""

    def build(rows: Sequence[tuple[object, ...]]) -> Matcher:
        return Matcher(CatalogIndex.build(products(rows)))

    return build


def poslink(
    *args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed ``poslink`` command the way a user would (``env``: extra variables)."""
    exe = Path(sys.executable).with_name("poslink")
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        [str(exe), *map(str, args)], capture_output=True, text=True, cwd=cwd, env=env, check=False
    )


# POS files that cannot be read at all, with what the error must say.
BAD_POS_FILES = [
    (None, "no such file"),
    ("[{", "invalid JSON at line 1 column 3"),
    ('{"a": 1}', "expected a JSON array"),
]


def bad_pos_file(folder: Path, content: str | None) -> tuple[Path, Path]:
    """``pos.json`` with ``content`` (none: no file) and an earlier output that must survive."""
    pos = folder / "pos.json"
    if content is not None:
        pos.write_text(content, encoding="utf-8")
    out = folder / "out.csv"
    out.write_text("earlier output\n")
    return pos, out


# One local Spark session for the whole suite: a JVM starts once; few shuffle partitions.
SPARK_TEST_CONF = {
    "spark.sql.shuffle.partitions": "4",
    "spark.default.parallelism": "2",
    "spark.ui.enabled": "false",
}


@pytest.fixture(scope="session")
def spark() -> Iterator[object]:
    """A real local Spark session (local[2]), started on first use and stopped at the end."""
    from poslink.engines.spark.session import start_session

    session, owned = start_session("local[2]", "poslink-tests", SPARK_TEST_CONF)
    yield session
    if owned:
        session.stop()


Runner = Callable[..., subprocess.CompletedProcess[str]]
ENGINES = ("local", "spark")


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """Each end-to-end matching test runs once per engine."""
    return str(request.param)


@pytest.fixture
def run_poslink(engine: str, request: pytest.FixtureRequest) -> Runner:
    """``poslink run ARGS`` on the test's engine.

    local: the installed command in a subprocess. spark: the same CLI app in this process,
    with ``--engine spark --single-file``, so that it joins the suite's one Spark session
    instead of starting a JVM per test.
    """
    if engine == "local":
        return lambda *args: poslink("run", *args)
    request.getfixturevalue("spark")

    def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
        argv = ["run", *map(str, args), "--engine", "spark", "--single-file"]
        result = CliRunner().invoke(app, argv, env={"COLUMNS": "200", "NO_COLOR": "1"})
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return subprocess.CompletedProcess(argv, result.exit_code, result.stdout, result.stderr)

    return run
