"""The command's log on stderr: what other libraries log around poslink's own lines."""

from __future__ import annotations

import subprocess
import sys

# A command's process (pytest's own log capture would hide what it prints): poslink's log
# configured, then py4j reporting a gateway call a signal interrupted, as it does, on the root
# logger, and another library's warning and detail.
SCRIPT = """
import logging
from poslink import logs
logs.configure()
PY4J = '''
import logging
try:
    raise KeyboardInterrupt
except KeyboardInterrupt:
    logging.exception("KeyboardInterrupt while sending command.")
'''
exec(compile(PY4J, "/venv/site-packages/py4j/java_gateway.py", "exec"), {})
logging.getLogger("py4j.clientserver").error("Exception while shutting down connection")
logging.getLogger("somelib").warning("a library's warning")
logging.getLogger("somelib").info("a library's detail")
logging.getLogger("poslink").error("the run's one line")
"""


def test_py4j_reports_of_an_interrupted_call_are_not_printed() -> None:
    # Ctrl-C during a Spark job printed py4j's tracebacks above the run's one line.
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True
    )
    assert done.stderr.splitlines() == ["a library's warning", "poslink: error: the run's one line"]
