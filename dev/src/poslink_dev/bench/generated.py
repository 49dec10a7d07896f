"""The benchmark: generated workloads, poslink run end to end, and a naive baseline beside it.

Each case generates (once, then reuses) a Kushy workload with ``poslink_dev.synth``, builds its
index with ``poslink index build`` and matches its feed with ``poslink run``, both as separate
processes, as a user runs them, timed from outside and watched for memory (the resident memory
of the process and its workers, summed, sampled every 50 ms). Precision, recall and F1 come from
the generated labels. The naive baseline matches a sample of the same feed with RapidFuzz
``process.extractOne`` over every catalog name; its speed is scaled to records per second.
"""

from __future__ import annotations

import os
import platform
import random
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process, utils

from poslink.evaluate import read_labels, read_output
from poslink.scorecard import Scorecard, scorecard
from poslink.sources.jane_json import JaneJsonSource


@dataclass(frozen=True)
class Case:
    """One workload: catalog size, feed size and how much the feed repeats itself."""

    products: int
    records: int
    repetition: float
    target_rate: float | None = None  # records/s poslink should reach
    target_rss_mb: float | None = None
    target_build_s: float | None = None

    @property
    def label(self) -> str:
        """E.g. ``100k x 1M repeated``."""
        kind = "repeated" if self.repetition else "distinct"
        return f"{_size(self.products)} products x {_size(self.records)} records, {kind}"

    @property
    def folder(self) -> str:
        """Where its workload is generated, under the bench's work folder."""
        return f"p{self.products}-r{self.records}-rep{self.repetition:g}"


# The naive baseline stops after this many seconds of matching (its sample is then smaller).
_BASELINE_SECONDS = 30.0

# The repetition real feeds show: most listings repeat a product another store has, with
# other sizes; see ``poslink_dev.synth.generate``.
REPEATED = 0.8
SIZES: dict[str, list[Case]] = {
    "tiny": [Case(400, 300, 0.0), Case(400, 600, REPEATED)],
    "small": [Case(10_000, 10_000, 0.0), Case(10_000, 50_000, REPEATED)],
    "full": [
        Case(10_000, 10_000, 0.0),
        Case(10_000, 100_000, REPEATED),
        Case(100_000, 100_000, 0.0, target_rate=10_000, target_rss_mb=1536),
        Case(100_000, 1_000_000, REPEATED, target_rate=50_000),
        Case(
            1_000_000,
            1_000_000,
            0.0,
            target_rate=10_000,
            target_rss_mb=3072,
            target_build_s=60,
        ),
    ],
}


@dataclass
class Result:
    """What one case measured."""

    case: Case
    run_seconds: float
    run_rss_mb: float
    run_pss_mb: float
    build_seconds: float
    build_rss_mb: float
    precision: float
    recall: float
    f1: float
    baseline_rate: float
    baseline_precision: float
    baseline_recall: float
    load_before: float
    load_after: float
    card: Scorecard  # the figures per tier of the generated labels

    @property
    def rate(self) -> float:
        """Records per second, end to end (index build included)."""
        return self.case.records / self.run_seconds

    def misses(self) -> list[str]:
        """The targets this case missed, with the measured figure."""
        c, out = self.case, []
        if c.target_rate and self.rate < c.target_rate:
            out.append(f"{self.rate:,.0f} records/s < {c.target_rate:,.0f}")
        if c.target_rss_mb and self.run_rss_mb > c.target_rss_mb:
            out.append(f"peak RSS {self.run_rss_mb:,.0f} MB > {c.target_rss_mb:,.0f} MB")
        if c.target_build_s and self.build_seconds > c.target_build_s:
            out.append(f"index build {self.build_seconds:.1f} s > {c.target_build_s:.0f} s")
        return out


def ensure_workload(case: Case, work: Path, kushy: Path, seed: int = 7) -> Path:
    """The case's generated workload folder, generated on first use and reused after."""
    from poslink_dev.synth import VERSION, generate

    folder = work / case.folder
    done = folder / ".complete"  # holds the generator's version: a newer one generates anew
    if not done.exists() or done.read_text(encoding="utf-8").strip() != str(VERSION):
        generate(
            kushy,
            folder,
            n_products=case.products,
            n_records=case.records,
            seed=seed,
            repetition=case.repetition,
            formats=("json",),
        )
        done.write_text(f"{VERSION}\n", encoding="utf-8")
    return folder


def run_case(
    case: Case, work: Path, kushy: Path, *, workers: int | None, sample: int, seed: int = 7
) -> Result:
    """Generate (or reuse) the case's workload and measure poslink and the baseline on it."""
    folder = ensure_workload(case, work, kushy, seed)
    catalog, pos, labels = folder / "catalog.db", folder / "pos.json", folder / "labels.csv"
    load_before = os.getloadavg()[0]
    index = folder / "index.json"
    build_s, build_rss, _ = measure(["index", "build", "--catalog", catalog, "--out", index])
    out = folder / "matched.csv"
    args: list[str | Path] = ["run", "--pos", pos, "--catalog", catalog, "--out", out, "-q"]
    if workers:
        args += ["--workers", str(workers)]
    run_s, run_rss, run_pss = measure(args)
    load_after = os.getloadavg()[0]
    card = scorecard(read_labels(labels), read_output(out))
    metrics = card.overall
    base = baseline(catalog, pos, labels, sample, seed)
    return Result(
        case,
        run_s,
        run_rss,
        run_pss,
        build_s,
        build_rss,
        metrics.precision,
        metrics.recall,
        metrics.f1,
        *base,
        load_before,
        load_after,
        card,
    )


def measure(args: list[str | Path]) -> tuple[float, float, float]:
    """Run ``poslink ARGS``: its wall seconds and the peak summed RSS and PSS (MB) of it and
    its children."""
    command = [sys.executable, "-c", "from poslink.cli import main; main()", *map(str, args)]
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak_rss = peak_pss = samples = 0
    while proc.poll() is None:
        # RSS every 0.1 s; PSS every 0.5 s for 5 s, then every 2 s: reading it walks every
        # mapping (10 ms of CPU for a 1 GB run), which a long run should not pay 2% for.
        pss_now = samples % 5 == 0 if samples < 50 else samples % 20 == 0
        rss, pss = tree_memory(proc.pid, proportional=pss_now)
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        samples += 1
        time.sleep(0.1)
    seconds = time.perf_counter() - started
    _, stderr = proc.communicate()
    if proc.returncode:
        raise RuntimeError(f"poslink {' '.join(map(str, args))} failed: {stderr.strip()}")
    return seconds, peak_rss / 1024, peak_pss / 1024


def tree_memory(pid: int, proportional: bool = True) -> tuple[int, int]:
    """Resident and proportional KB (RSS, PSS) of a process and all its descendants, summed.

    RSS counts the pages forked workers share with their parent once in each; PSS divides
    them among the sharers. PSS is costlier to read (``proportional=False`` leaves it 0).
    Linux /proc only (0 elsewhere).
    """
    rss = pss = 0
    todo = [pid]
    page_kb = os.sysconf("SC_PAGE_SIZE") // 1024 if hasattr(os, "sysconf") else 4
    while todo:
        current = todo.pop()
        try:
            rss += int(Path(f"/proc/{current}/statm").read_text().split()[1]) * page_kb
            if proportional:
                for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1])
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except (OSError, ValueError, IndexError):
            continue
        todo.extend(int(c) for c in children)
    return rss, pss


def baseline(
    catalog: Path, pos: Path, labels: Path, sample: int, seed: int
) -> tuple[float, float, float]:
    """The naive matcher on a sample: records/s, precision, recall.

    Every record against every catalog name with ``process.extractOne`` (WRatio, RapidFuzz's
    default normalisation), taken when it scores 86 or more; at most ``_BASELINE_SECONDS``.
    """
    con = sqlite3.connect(f"file:{catalog}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT id, name, brand FROM products").fetchall()
    finally:
        con.close()
    ids = [str(r[0]) for r in rows]
    names = [utils.default_process(f"{r[1]} {r[2] or ''}") for r in rows]
    truth = {label.row: label for label in read_labels(labels)}
    rows_wanted = set(random.Random(seed).sample(sorted(truth), min(sample, len(truth))))
    chosen = [
        r
        for r in JaneJsonSource(pos).records()
        if r.row in rows_wanted and not isinstance(r, Exception)
    ]
    given = correct = positives = found = done = 0
    started = time.perf_counter()
    for record in chosen:
        if time.perf_counter() - started > _BASELINE_SECONDS:
            break  # slow on big catalogs: a shorter sample still gives its speed
        done += 1
        hit = process.extractOne(
            record.name,
            names,
            scorer=fuzz.WRatio,
            processor=utils.default_process,
            score_cutoff=86,
        )
        predicted = ids[hit[2]] if hit else ""
        label = truth[record.row]
        ok = predicted in label.acceptable
        given += bool(predicted)
        correct += bool(predicted) and ok
        positives += bool(label.expected)
        found += bool(label.expected) and bool(predicted) and ok
    seconds = time.perf_counter() - started
    rate = done / seconds if seconds else 0.0
    return rate, correct / given if given else 1.0, found / positives if positives else 1.0


def machine() -> str:
    """A one-line description of this machine."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB memory"
    except (OSError, ValueError, IndexError):
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (
        f"{cpu}, {cores} cores{memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}"
    )


def table(results: list[Result]) -> list[str]:
    """The results as Markdown table lines."""
    lines = [
        "| workload | records/s | run s | index build s | peak RSS / PSS MB | precision | recall "
        "| F1 | naive records/s | speed-up | naive precision / recall | load before/after |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        ratio = r.rate / r.baseline_rate if r.baseline_rate else 0.0
        lines.append(
            f"| {r.case.label} | {r.rate:,.0f} | {r.run_seconds:.1f} | {r.build_seconds:.1f} "
            f"| {r.run_rss_mb:,.0f} / {r.run_pss_mb:,.0f} "
            f"| {r.precision:.4f} | {r.recall:.4f} | {r.f1:.4f} "
            f"| {r.baseline_rate:,.1f} | {ratio:,.1f}x "
            f"| {r.baseline_precision:.3f} / {r.baseline_recall:.3f} "
            f"| {r.load_before:.1f} / {r.load_after:.1f} |"
        )
    return lines


def _size(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1000 and n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


def document(
    results: list[Result],
    sizes: str,
    stamp: str,
    workers: int | None,
    sample: int,
    misses: list[str],
    tiers: list[str] | None = None,
    parts: str = "",
) -> str:
    """``docs/benchmarks.md``: how the figures were taken, the machine, the table, the figures
    per tier (``tiers``: Markdown lines), the targets. ``parts``: the ``--parts`` the run was
    given, named in the command it says took the figures."""
    targets = [
        f"- {r.case.label}: "
        + ", ".join(
            t
            for t in (
                f"at least {r.case.target_rate:,.0f} records/s" if r.case.target_rate else "",
                f"peak RSS within {r.case.target_rss_mb:,.0f} MB" if r.case.target_rss_mb else "",
                f"index build within {r.case.target_build_s:.0f} s"
                if r.case.target_build_s
                else "",
            )
            if t
        )
        + (" — **missed**" if r.misses() else " — met")
        for r in results
        if r.case.target_rate or r.case.target_rss_mb or r.case.target_build_s
    ]
    lines = [
        "# Benchmarks",
        "",
        f"Measured by `poslink bench --sizes {sizes}{f' --parts {parts}' if parts else ''}`"
        f" (`make bench`) on {stamp}. Every figure",
        "below is a measurement of that run; rerun `make bench` to measure your machine.",
        "`poslink bench` is a command of the development package in `dev/` (`poslink_dev`,",
        "not part of poslink's wheel), which `make bench` installs.",
        "",
        f"Machine: {machine()}. poslink ran with "
        + (f"`--workers {workers}`." if workers else "every core (`--workers` default)."),
        "The machine is shared: the load average (1 minute) before and after each case is in",
        "the last column; with a load above the core count the figures are pessimistic.",
        "",
        "## How",
        "",
        "- Workloads come from `poslink_dev.synth` (the Kushy data set: real brands, strains and",
        "  forms), generated once into `out/bench/` and reused. *distinct*: no two records",
        "  share a name; *repeated*: each listing repeats one from an earlier store with chance",
        f"  {REPEATED} (new POS id, mostly the same name, other sizes), as multi-store feeds do.",
        "- `records/s` and `run s`: `poslink run` from start to exit (reading the catalog,",
        "  building the index, matching, writing the CSV), timed from outside.",
        "- `index build s`: `poslink index build` on the same catalog, alone.",
        "- `peak RSS / PSS MB`: the memory of `poslink run` and its worker processes, summed,",
        "  sampled every 0.1 s (PSS every 0.5 s, after 5 s every 2 s: reading it is not free):",
        "  RSS counts the pages forked workers share with",
        "  their parent once in each process (an overstatement), PSS divides shared pages among",
        "  the sharers (what the run really holds). Targets are checked against RSS, the stricter.",
        "- precision / recall / F1: the output against the generated labels (`poslink eval`).",
        "- naive: RapidFuzz `process.extractOne` (WRatio, default normalisation, cut-off 86) of a",
        f"  random sample of {sample} records (fewer where that takes over"
        f" {_BASELINE_SECONDS:.0f} s) against",
        "  every catalog name (with its brand): its records/s, the speed-up of poslink over it,",
        "  and its precision / recall on the sample.",
        "",
        "## Results",
        "",
        *table(results),
        "",
    ]
    lines += [*tiers, ""] if tiers else []
    if targets:
        lines += ["## Targets", "", *targets, ""]
    if misses:
        lines += ["Missed, as measured:", "", *(f"- {m}" for m in misses), ""]
    return "\n".join(lines)
