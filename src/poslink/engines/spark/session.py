"""The Spark session the engine runs on: joined when one is active, else started."""

from __future__ import annotations

import os
import shutil
import sys
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from importlib import resources
from typing import TYPE_CHECKING

from poslink.exceptions import EngineError, PluginError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

INSTALL_HINT = "the spark engine needs PySpark: pip install 'poslink[spark]'"


def require_pyspark() -> None:
    """Raise a one-line ``PluginError`` when PySpark (or pandas, which it needs) is missing."""
    try:
        import pandas  # noqa: F401 - mapInArrow needs it
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise PluginError(f"{INSTALL_HINT} ({exc})") from exc


def under_spark_submit() -> bool:
    """Whether spark-submit started this process (it then chose the master and the JVM)."""
    return "PYSPARK_GATEWAY_PORT" in os.environ


def resolve_master(master: str | None) -> str | None:
    """The master to ask for: the configured one, else spark-submit's, else ``local[*]``."""
    if master:
        return master
    return None if under_spark_submit() else "local[*]"


def start_session(
    master: str | None, app_name: str = "poslink", conf: Mapping[str, str] | None = None
) -> tuple[SparkSession, bool]:
    """The active session (not ours to stop), or a new one (``True``: stop it when done).

    ``conf`` adds Spark settings to a new session (tests ask for few shuffle partitions).
    """
    require_pyspark()
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active, False
    resolved = resolve_master(master)
    builder = SparkSession.builder.appName(app_name).config("spark.ui.showConsoleProgress", "false")
    if resolved is not None:
        builder = builder.master(resolved)
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    if resolved is not None and resolved.startswith("local"):
        # Local executors run their Python workers on this machine: this interpreter has poslink.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    if not under_spark_submit():
        _require_java()
        config = resources.files("poslink.engines.spark") / "log4j2.properties"
        builder = builder.config(
            "spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile=file:{config}"
        )
    try:
        return builder.getOrCreate(), True
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise EngineError(
            f"cannot start Spark (master {resolved or 'from spark-submit'}): {first}"
        ) from exc


@contextmanager
def session(
    master: str | None, app_name: str = "poslink", conf: Mapping[str, str] | None = None
) -> Iterator[SparkSession]:
    """The session for the block (``start_session``), stopped after it when started here.

    A block that failed or was interrupted leaves with its own error, whatever stopping says:
    a Ctrl-C at a terminal, or a SIGTERM to the whole process group (systemd, a shell's job
    control), reaches the JVM too, and stopping a session whose JVM is gone raised py4j's
    network error (a traceback, exit 1) over the run's one line, after PySpark's warning that
    the JVM could not be shut down cleanly."""
    spark, owned = start_session(master, app_name, conf)
    try:
        yield spark
    except BaseException:
        if owned:
            with warnings.catch_warnings(), suppress(Exception):
                warnings.simplefilter("ignore")
                spark.stop()
        raise
    if owned:
        spark.stop()


def _require_java() -> None:
    home = os.environ.get("JAVA_HOME")
    if home and os.path.exists(os.path.join(home, "bin", "java")):
        return
    if shutil.which("java") is None:
        raise EngineError(
            "the spark engine needs a Java 17+ runtime: install one (e.g. apt-get install"
            " openjdk-17-jre-headless) or set JAVA_HOME"
        )
