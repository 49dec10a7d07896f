"""A Spark run stopped as a terminal's Ctrl-C or systemd's stop does it: the signal goes to the
whole process group, the JVM included. The run says so in one line and exits 130 / 143, with
no output, as the local engine's run does; py4j's errors about the JVM gone are not shown."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

from helpers import EXAMPLE_ARGS
from helpers.faults import log_lines, start

# What the JVM itself prints as it starts (Spark's launcher adds an incubator module).
JVM_NOTICE = "WARNING: Using incubator modules"


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_spark_run_stopped_with_its_jvm_is_one_line(sig: int, tmp_path: Path) -> None:
    out = tmp_path / "out" / "matched.csv"
    args = ("run", *EXAMPLE_ARGS, "--out", out, "--engine", "spark", "--master", "local[1]")
    proc = start(*args, "-v", "--log-format", "json", session=True)
    log_lines(proc, "matching by", timeout=300)  # the JVM is up and the job is being sent
    os.killpg(proc.pid, sig)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 128 + sig, stderr
    said = [line for line in stderr.splitlines() if not line.startswith(JVM_NOTICE)]
    assert all(line.startswith("{") for line in said), stderr  # no traceback, no warning
    last = json.loads(said[-1])
    what = "interrupted" if sig == signal.SIGINT else "terminated by SIGTERM"
    assert last["exit_code"] == 128 + sig and what in last["message"]
    assert "no output written" in last["message"]
    assert not out.parent.exists() or not any(out.parent.iterdir())
