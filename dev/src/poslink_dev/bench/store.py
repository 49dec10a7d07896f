"""The repeated-sync benchmark: a first run that fills a decision store, then the same feed again.

``make bench`` / ``poslink bench`` call ``repeat_run`` on a generated workload. Two repeat
figures, because the store reuses at two levels (see ``store/run.py``):

- ``second_seconds``: the unchanged feed, the first output still in place: the output is reused;
- ``record_seconds``: the unchanged feed with no earlier output to reuse (it was removed): every
  record's stored decision is reused, none is matched, the output is written again. This is
  also the cost of a feed whose bytes changed but whose records did not (new quantities).
"""

from __future__ import annotations

import csv
import filecmp
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from poslink.files.rejects import rejects_path
from poslink.pipeline import RunConfig, RunSummary, run


@dataclass(frozen=True)
class RepeatRun:
    """Timings of a first and a second run on an unchanged feed, and whether outputs agree."""

    records: int
    first_seconds: float
    second_seconds: float
    record_seconds: float
    matched_again: int
    identical: bool

    @property
    def speedup(self) -> float:
        """How many times faster the second run was than the first."""
        return _ratio(self.first_seconds, self.second_seconds)

    @property
    def record_speedup(self) -> float:
        """How many times faster the record-level repeat was than the first run."""
        return _ratio(self.first_seconds, self.record_seconds)

    def as_dict(self) -> dict[str, Any]:
        """The figures, for a JSON report."""
        return {
            **asdict(self),
            "speedup": round(self.speedup, 2),
            "record_speedup": round(self.record_speedup, 2),
        }


def _ratio(a: float, b: float) -> float:
    return a / b if b else float("inf")


def repeat_run(
    pos: Path,
    catalog: str,
    workdir: Path,
    *,
    decisions: str | None = None,
    **options: Any,
) -> RepeatRun:
    """Run three times on one feed with one decision store (a new SQLite file in ``workdir``
    unless ``decisions`` names one): first, again, and again with the earlier outputs removed.
    ``options`` are further ``RunConfig`` fields (source, engine...).
    """
    workdir.mkdir(parents=True, exist_ok=True)
    if decisions is None:
        store = workdir / "decisions.db"
        store.unlink(missing_ok=True)
        decisions = str(store)
    first, second, third = (workdir / f"{n}.csv" for n in ("first", "second", "third"))
    kept = workdir / "first.kept.csv"

    def timed(out: Path) -> tuple[float, RunSummary]:
        config = RunConfig(pos=pos, catalog=catalog, out=out, decisions=decisions, **options)
        started = time.perf_counter()
        summary = run(config)
        return time.perf_counter() - started, summary

    first_s, summary = timed(first)
    second_s, _ = timed(second)
    same = filecmp.cmp(first, second, shallow=False)
    shutil.copyfile(first, kept)
    for path in (first, second, rejects_path(first), rejects_path(second)):
        path.unlink(missing_ok=True)
    record_s, again = timed(third)
    return RepeatRun(
        records=summary.records,
        first_seconds=round(first_s, 3),
        second_seconds=round(second_s, 3),
        record_seconds=round(record_s, 3),
        matched_again=again.records - (again.reused or 0) - again.rejected,
        # The third run reuses every decision: its match_source says so ("reused").
        identical=same and same_decisions(kept, third),
    )


def same_decisions(a: Path, b: Path) -> bool:
    """Whether two outputs are equal but for where their decisions came from."""

    def rows(path: Path) -> list[list[str]]:
        with path.open(newline="", encoding="utf-8") as handle:
            table = list(csv.reader(handle))
        drop = table[0].index("match_source") if table and "match_source" in table[0] else None
        return [r[:drop] + r[drop + 1 :] if drop is not None else r for r in table]

    return rows(a) == rows(b)
