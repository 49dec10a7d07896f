"""Timing the Spark engine on a workload, for ``poslink bench``: records per second."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from poslink.engines.spark.session import start_session
from poslink.pipeline import RunConfig, run


@dataclass(frozen=True)
class SparkBench:
    """One workload on the Spark engine: the best whole run, and what starting Spark cost."""

    records: int
    seconds: float  # the best run: read, index, match, write (the session already up)
    startup_seconds: float  # starting the session and its Python workers, paid once
    master: str
    strategy: str
    runs: int

    @property
    def records_per_second(self) -> float:
        """Throughput of the best run."""
        return self.records / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        """One line for a report."""
        return (
            f"spark {self.master} ({self.strategy}): {self.records} records in "
            f"{self.seconds:.2f} s = {self.records_per_second:,.0f} records/s "
            f"(best of {self.runs}; Spark start-up {self.startup_seconds:.1f} s)"
        )


def bench_spark(
    pos: Path | str,
    catalog: Path | str,
    *,
    master: str = "local[2]",
    source: str = "jane-json",
    strategy: str = "auto",
    single_file: bool = False,
    runs: int = 1,
    out_dir: Path | None = None,
) -> SparkBench:
    """Run ``poslink run --engine spark`` on one workload ``runs`` times and time it.

    The session is started first (or an active one joined) and its Python workers warmed,
    so the figure is the engine's throughput, not the JVM's start-up, which is reported apart.
    Outputs go to ``out_dir`` (default: a temporary folder, removed after).
    """
    started = time.perf_counter()
    spark, owned = start_session(master, "poslink-bench")
    try:
        _warm_up(spark)
        startup = time.perf_counter() - started
        with tempfile.TemporaryDirectory(prefix="poslink-bench-") as tmp:
            where = out_dir or Path(tmp)
            best, records = float("inf"), 0
            options = {"master": master, "strategy": strategy, "single_file": single_file}
            for n in range(runs):
                config = RunConfig(
                    pos=pos,
                    catalog=str(catalog),
                    out=where / f"spark-{n}.csv",
                    source=source,
                    engine="spark",
                    engine_options=options,
                )
                summary = run(config)
                best, records = min(best, summary.seconds), summary.records
        return SparkBench(records, best, startup, master, strategy, runs)
    finally:
        if owned:
            spark.stop()


def _warm_up(spark: object) -> None:
    """One tiny job per core, so that every Python worker has started and imported poslink."""
    from pyspark.sql import SparkSession

    assert isinstance(spark, SparkSession)
    cores = spark.sparkContext.defaultParallelism
    frame = spark.range(cores, numPartitions=cores)
    frame.mapInArrow(_import_matching, "id long").count()


def _import_matching(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    import poslink.engines.spark.tasks  # noqa: F401 - what every matching task imports

    yield from batches
