"""Fault injection helpers: a run held at a chosen point, its processes, its leftovers.

``PausingEngine`` is the local engine (real worker processes, real sink) that stops reading
records after ``POSLINK_TEST_PAUSE_AFTER`` of them, creates the file ``POSLINK_TEST_READY``
and waits, until the file ``POSLINK_TEST_GO`` exists (never, when it is not set). A test
finds it as ``helpers.faults:PausingEngine`` with ``tests/`` on ``PYTHONPATH``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from helpers.paths import TESTS
from poslink.engines.base import Job
from poslink.engines.local import LocalEngine
from poslink.records import Status

PAUSING = "helpers.faults:PausingEngine"


class PausingEngine(LocalEngine):
    """The local engine, held after some records (see the module docstring)."""

    name = "pausing"

    def run(self, job: Job) -> Counter[Status]:
        """Match as the local engine does, pausing once on the way."""
        after = int(os.environ.get("POSLINK_TEST_PAUSE_AFTER", "0"))
        ready = Path(os.environ["POSLINK_TEST_READY"])
        go = os.environ.get("POSLINK_TEST_GO")
        records = job.source.records

        def held() -> Iterator[Any]:
            for n, record in enumerate(records()):
                if n == after:
                    ready.touch()
                    while go is None or not Path(go).exists():
                        time.sleep(0.01)
                yield record

        job.source.records = held  # type: ignore[method-assign]
        return super().run(job)


def start(
    *args: str | Path,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    prefix: Sequence[str] = (),
    session: bool = False,
) -> subprocess.Popen[str]:
    """``poslink ARGS`` started (not waited for), its output piped; ``env``: more variables
    (``tests/`` is on ``PYTHONPATH``, for ``PAUSING``); ``prefix``: a command it runs under,
    such as ``nohup``; ``session``: in a session (and process group) of its own, as a
    terminal's job or a service runs, so that a signal can go to the whole group."""
    exe = Path(sys.executable).with_name("poslink")
    environ = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]),
        **(env or {}),
    }
    return subprocess.Popen(
        [*prefix, str(exe), *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environ,
        cwd=cwd,
        start_new_session=session,
    )


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    """Poll ``condition`` until it holds; fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def log_lines(proc: subprocess.Popen[str], until: str, timeout: float = 60.0) -> list[str]:
    """The JSON log messages of a run read from its stderr, up to one containing ``until``."""
    assert proc.stderr is not None
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            raise AssertionError(f"the run ended before logging {until!r}: {seen}")
        try:
            message = str(json.loads(line).get("message", ""))
        except ValueError:
            message = line.strip()
        seen.append(message)
        if until in message:
            return seen
    raise AssertionError(f"no log line {until!r} in time: {seen}")


def children(pid: int) -> set[int]:
    """The processes whose parent is ``pid``."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def temp_files(folder: Path) -> list[str]:
    """poslink's temporary files in a folder."""
    return sorted(p.name for p in folder.iterdir() if ".poslink-" in p.name)


@contextmanager
def gone_and_living_pids() -> Iterator[tuple[int, int]]:
    """The id of a process that has ended, and of one alive until the block is left: what a
    temporary name left by a killed run, and one a run is writing now, carry."""
    gone = subprocess.Popen(["true"])
    gone.wait()
    living = subprocess.Popen(["sleep", "60"])
    try:
        yield gone.pid, living.pid
    finally:
        living.kill()
        living.wait()
