"""Shared fixtures: the reference data in ../shared, a small catalog, Spark, the CLI runner.

The helpers they use, and tests import, are the ``helpers`` package beside this file.
"""

from __future__ import annotations

import logging
import signal
import subprocess
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

from helpers import CHALLENGE, KUSHY, Runner, poslink, products
from poslink.cli import app
from poslink.matching import CatalogIndex, Matcher

# The throw-away PostgreSQL server fixtures (``postgres``, ``pg_database``).
pytest_plugins = ["helpers.pgserver"]


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


@pytest.fixture
def matcher_for() -> Callable[[Sequence[tuple[object, ...]]], Matcher]:
    """A matcher over an in-memory catalog."""

    def build(rows: Sequence[tuple[object, ...]]) -> Matcher:
        return Matcher(CatalogIndex.build(products(rows)))

    return build


def pytest_configure(config: pytest.Config) -> None:
    """Ctrl-C reaches the runs the tests start and stop with SIGINT, as a terminal sends it to
    a command in the foreground. A shell without job control starts a command in the
    background with SIGINT ignored, and make and pytest-xdist pass that on to every process
    below them. Those runs then ignored the tests' SIGINT and waited out their timeouts. A
    handler set here is reset to the default in every process the tests start."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


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


ENGINES = ("local", "spark")


def _uses_spark_session(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    engine = callspec.params.get("engine") if callspec is not None else None
    return "spark" in getattr(item, "fixturenames", ()) or engine == "spark"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under ``pytest -n N --dist loadgroup`` (``make test``), the tests on the suite's Spark
    session all run on one worker: each worker that met one would start a JVM of its own.

    First among the hooks: xdist's own reads the ``xdist_group`` marks to put the group in each
    test's id, and a mark added after it is never seen (every worker started a JVM)."""
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        if _uses_spark_session(item):
            item.add_marker(pytest.mark.xdist_group("spark"))


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
