"""A signal that comes late: once a run has published its output, it says so (exit 143); once
a command has ended, as its process exits, the command's exit code and what it said stand,
with nothing more on stderr.

Python, exiting, puts back the default action of the signals it handled (SIGTERM's kills the
process) while it frees what is left; before that it runs its exit callbacks, where the
handler's ``Terminated`` was a traceback. Both are reached here by a real ``poslink run``
whose process signals itself from an exit callback, or from an object freed last.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import EXAMPLES

LATE = {
    # An exit callback: Python runs them first as it exits.
    "atexit": (
        "import atexit\n"
        "def late():\n"
        "    os.kill(os.getpid(), SIGNAL)\n"
        "    time.sleep(0.2)\n"
        "atexit.register(late)\n"
    ),
    # A module's object, freed after Python has put the default actions back.
    "freed": (
        "class Late:\n"
        "    def __del__(self):\n"
        "        os.kill(os.getpid(), SIGNAL)\n"
        "        time.sleep(0.2)\n"
        "late = Late()\n"
    ),
}


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("when", sorted(LATE))
def test_a_signal_as_a_finished_run_exits_changes_nothing(
    when: str, sig: int, tmp_path: Path
) -> None:
    out, jane = tmp_path / "o.csv", EXAMPLES / "jane"
    code = (
        "import os, sys, time\n"
        f"SIGNAL = {int(sig)}\n"
        f"{LATE[when]}"
        "import poslink.entry\n"
        f"sys.argv = ['poslink', 'run', '--pos', {str(jane / 'pos.json')!r},"
        f" '--catalog', {str(jane / 'catalog.db')!r}, '--out', {str(out)!r}, '-q']\n"
        "poslink.entry.main()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr  # the run's own code, not -15 nor 143
    assert done.stderr == ""
    assert done.stdout.startswith("poslink: 29 records") and out.exists()


def test_a_failed_command_keeps_its_code_and_its_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    code = (
        "import os, sys, time\n"
        f"SIGNAL = {int(signal.SIGTERM)}\n"
        f"{LATE['freed']}"
        "import poslink.entry\n"
        f"sys.argv = ['poslink', 'run', '--pos', {str(missing)!r}, '--catalog',"
        f" {str(EXAMPLES / 'jane/catalog.db')!r}, '--out', {str(tmp_path / 'o.csv')!r}]\n"
        "poslink.entry.main()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 3, done.stderr
    assert len(done.stderr.splitlines()) == 1 and "missing.json" in done.stderr


# Where a run that has published its output still goes on: the pipeline logs what it
# published, then the command prints its summary line.
AFTER = {
    "published": (
        "import logging\n"
        "info = logging.Logger.info\n"
        "def said(self, msg, *args, **kwargs):\n"
        "    info(self, msg, *args, **kwargs)\n"
        "    if msg == 'published %s':\n"
        "        os.kill(os.getpid(), signal.SIGTERM)\n"
        "logging.Logger.info = said\n"
    ),
    "summary": (
        "import rich.console\n"
        "def say(self, *args, **kwargs):\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "rich.console.Console.print = say\n"
    ),
}


@pytest.mark.parametrize("when", sorted(AFTER))
def test_a_signal_after_publishing_says_the_output_is_there(when: str, tmp_path: Path) -> None:
    out, jane = tmp_path / "o.csv", EXAMPLES / "jane"
    code = (
        "import os, signal, sys\n"
        "import poslink.cli, poslink.entry\n"
        f"{AFTER[when]}"
        f"sys.argv = ['poslink', 'run', '--pos', {str(jane / 'pos.json')!r},"
        f" '--catalog', {str(jane / 'catalog.db')!r}, '--out', {str(out)!r}]\n"
        "poslink.entry.main()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stderr.splitlines() == [
        "poslink: error: terminated by SIGTERM; the run had completed and published its output"
    ]
    assert done.returncode == 143 and out.exists()
