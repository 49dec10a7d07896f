"""The benchmark's other parts: the Spark engine and repeated syncs with a decision store.

``poslink bench`` measures the local engine on every case (``generated.py``); these parts time
the same generated workloads on Spark (``local[2]``) and a second run of an unchanged feed.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from poslink_dev.bench.generated import Case

SPARK_MIN_RECORDS = 100_000


def spark_available() -> bool:
    """Whether PySpark is installed (``pip install 'poslink[spark]'``)."""
    return importlib.util.find_spec("pyspark") is not None


def spark_cases(cases: list[Case]) -> list[Case]:
    """The cases Spark runs on: the 100k and 1M feeds against the 100k-product catalog, or the
    largest case of a smaller set."""
    big = [c for c in cases if c.records >= SPARK_MIN_RECORDS and c.products == SPARK_MIN_RECORDS]
    return big or cases[-1:]


def repeat_case(cases: list[Case]) -> Case:
    """The case a repeated sync is timed on: a 100k distinct feed, or the first case."""
    wanted = [c for c in cases if c.records == 100_000 and not c.repetition]
    return (wanted or cases)[0]


def spark_lines(cases: list[Case], work: Path) -> list[str]:
    """Time the Spark engine on each case's workload; one Markdown line each."""
    from poslink_dev.bench.spark import bench_spark

    lines = []
    for case in cases:
        folder = work / case.folder
        result = bench_spark(folder / "pos.json", folder / "catalog.db", master="local[2]")
        lines.append(f"- {case.label}: {result.line()}")
    return lines


# How many times faster a second run on an unchanged feed must be.
REPEAT_TARGET = 10.0


def repeat_lines(case: Case, work: Path) -> list[str]:
    """Time a first and a repeated run of one unchanged feed with a decision store."""
    from poslink_dev.bench.store import repeat_run

    folder = work / case.folder
    r = repeat_run(folder / "pos.json", str(folder / "catalog.db"), work / "repeat")
    return [
        f"- {case.label}, decision store on SQLite, local engine:",
        f"  - first run {r.first_seconds:.2f} s; the same file again {r.second_seconds:.2f} s "
        f"(**{r.speedup:.1f}x**: the unchanged export and output are recognised whole);",
        f"  - record by record (earlier output removed, every record looked up in the store) "
        f"{r.record_seconds:.2f} s (**{r.record_speedup:.1f}x**), {r.matched_again} records "
        f"matched again;",
        f"  - outputs identical to the first run: {'yes' if r.identical else '**no**'}.",
        f"- target (the unchanged feed's second run at least {REPEAT_TARGET:g}x faster, with an "
        f"identical output): "
        + ("met" if r.identical and r.speedup >= REPEAT_TARGET else "**missed**")
        + f" ({r.speedup:.1f}x).",
    ]
