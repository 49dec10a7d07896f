"""The test helper that runs a command line in the test's own process (``poslink_here``)."""

from __future__ import annotations

import signal

from helpers.cli import poslink_here


def test_a_command_run_here_leaves_the_test_process_stoppable() -> None:
    # The command line ignores SIGINT and SIGTERM once its command is done (a process about to
    # exit); run in the test's process, that would leave a test run that cannot be stopped.
    watched = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    before = [signal.getsignal(s) for s in watched]
    assert poslink_here("--version").returncode == 0
    assert [signal.getsignal(s) for s in watched] == before
    assert signal.SIG_IGN not in before
