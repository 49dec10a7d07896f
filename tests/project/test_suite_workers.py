"""How ``make test`` spreads the suite over the cores: the tests on the suite's one Spark
session run on one worker (``conftest.pytest_collection_modifyitems`` and xdist's
``--dist loadgroup``). When the grouping silently stops (pytest 9.2's node ids and
pytest-xdist 3.8, pytest-dev/pytest-xdist#1386), every worker starts a JVM of its own and the
suite is a minute slower; nothing else fails. This test fails instead."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from helpers import TESTS

CONFTEST = '''
import importlib.util

import pytest

_spec = importlib.util.spec_from_file_location("suite_conftest", {conftest!r})
_suite = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_suite)
pytest_collection_modifyitems = _suite.pytest_collection_modifyitems


@pytest.fixture
def spark():
    """Stands for the suite's Spark session: only its name matters here."""
    return None
'''

TESTS_OF_A_FILE = """
import time

import pytest


@pytest.mark.parametrize("n", range(6))
def test_on_spark(spark, n):
    time.sleep(0.05)


@pytest.mark.parametrize("n", range(6))
def test_elsewhere(n):
    time.sleep(0.05)
"""


def test_the_spark_sessions_tests_share_one_worker(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text(CONFTEST.format(conftest=str(TESTS / "conftest.py")))
    for name in ("test_one.py", "test_two.py"):
        (tmp_path / name).write_text(TESTS_OF_A_FILE)
    ran = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-v",
         "-p", "no:cacheprovider", "-p", "no:randomly", str(tmp_path)],
        capture_output=True, text=True, cwd=tmp_path, check=False,
        env={"PYTHONPATH": str(TESTS), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert ran.returncode == 0, ran.stdout + ran.stderr
    workers: dict[str, set[str]] = {"spark": set(), "other": set()}
    for worker, test in re.findall(r"^\[(gw\d+)\] \[[ \d]+%\] PASSED (\S+)", ran.stdout, re.M):
        workers["spark" if "test_on_spark" in test else "other"].add(worker)
    assert len(workers["spark"]) == 1, ran.stdout
    assert workers["other"], ran.stdout  # both kinds ran, the others wherever they were sent


def test_the_runs_the_tests_start_take_ctrl_c() -> None:
    # The fault tests stop runs with SIGINT. Started with SIGINT ignored (make run from a shell
    # without job control), the suite puts it back (conftest.pytest_configure) for them.
    code = "import signal; print(signal.getsignal(signal.SIGINT) is signal.SIG_IGN)"
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert child.stdout.strip() == "False", child.stderr
