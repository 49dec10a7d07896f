"""The network benchmark: ``poslink sync`` on a generated network of stores, as a user runs it.

A network (``poslink_dev.synth.network``: N stores x M records against the generated catalog,
and a copy with 2% of the records changed) is generated once into the work folder and reused.
Then, each a separate process timed from outside with the memory of its process tree sampled
(``generated.measure``: peak RSS and PSS):

- the sync of the whole network (Parquet layout): records/s end to end, peak PSS;
- a baseline in the same run: a sample of stores, each matched alone with ``poslink run`` (one
  process a store, as a script calling ``poslink run`` per store does), scaled to records/s;
  and whether each of those outputs is the sync's for that store;
- with a decision store: a first sync, then the sync of the changed network (the re-sync), its
  records/s, and whether its output is a full sync's of the changed network (all but
  ``match_source``, which says the decisions were reused);
- on Spark (``--engine spark --master local[2]``), when PySpark is installed: end to end (JVM
  start-up included) and as the sync itself reports (``seconds`` of its report).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from poslink_dev.bench.generated import measure

# Targets of the network (issue: the whole network in one run).
TARGET_RATE = 150_000
TARGET_PSS_MB = 2048
TARGET_SPARK_RATE = 50_000
TARGET_RESYNC_RATE = 500_000
BASELINE_STORES = 5  # stores the baseline runs alone
IDENTITY_STORES = 100  # stores of the changed network a full sync is compared on


@dataclass(frozen=True)
class NetworkCase:
    """A network's size: stores, records a store, catalog products."""

    stores: int
    per_store: int
    products: int = 100_000

    @property
    def records(self) -> int:
        """Records in all."""
        return self.stores * self.per_store

    @property
    def label(self) -> str:
        """E.g. ``1,000 stores x 1,000 records, 100,000 products``."""
        return f"{self.stores:,} stores x {self.per_store:,} records, {self.products:,} products"

    @property
    def spec(self) -> str:
        """As ``--network`` takes it: ``1000x1000`` (``x PRODUCTS`` when not 100,000)."""
        tail = f"x{self.products}" if self.products != 100_000 else ""
        return f"{self.stores}x{self.per_store}{tail}"

    @property
    def folder(self) -> str:
        """Where it is generated, under the bench's work folder."""
        return f"network-s{self.stores}-r{self.per_store}-p{self.products}"


# The network each ``--sizes`` measures unless ``--network`` says otherwise.
DEFAULT = {"tiny": "10x200x2000", "small": "100x1000", "full": "1000x1000"}


def parse(spec: str) -> NetworkCase:
    """``STORESxRECORDS[xPRODUCTS]`` (``1000x1000``, ``100x1000x10000``) as a case."""
    found = re.fullmatch(r"\s*(\d+)\s*x\s*(\d+)\s*(?:x\s*(\d+)\s*)?", spec)
    if not found or not all(int(g) > 0 for g in found.groups() if g):
        raise ValueError(f"a network is STORESxRECORDS[xPRODUCTS] (e.g. 1000x1000), not {spec!r}")
    stores, per_store, products = found.groups()
    return NetworkCase(int(stores), int(per_store), int(products or 100_000))


def ensure_network(case: NetworkCase, work: Path, kushy: Path, seed: int = 7) -> Path:
    """The case's network folder, generated on first use and reused after."""
    from poslink_dev.synth.network import NETWORK_VERSION, generate_network

    folder = work / case.folder
    done = folder / ".complete"  # the generator's version: a newer one generates anew
    if not done.exists() or done.read_text(encoding="utf-8").strip() != str(NETWORK_VERSION):
        done.unlink(missing_ok=True)
        generate_network(
            kushy,
            folder,
            n_stores=case.stores,
            per_store=case.per_store,
            n_products=case.products,
            seed=seed,
        )
        done.write_text(f"{NETWORK_VERSION}\n", encoding="utf-8")
    return folder


def _sync(
    manifest: Path, catalog: Path, out: Path, *extra: str | Path
) -> tuple[float, float, float]:
    shutil.rmtree(out, ignore_errors=True)
    args: list[str | Path] = ["sync", "--manifest", manifest, "--catalog", catalog, "--out", out]
    return measure([*args, "--format", "parquet", "-q", *extra])


def dataset(out: Path, drop: tuple[str, ...] = ()) -> dict[str, pa.Table]:
    """A sync's Parquet dataset: each store's rows (``drop``: columns left out)."""
    tables = {}
    for folder in sorted(out.glob("store=*")):
        parts = [pq.read_table(p) for p in sorted(folder.glob("*.parquet"))]
        table = pa.concat_tables(parts).replace_schema_metadata(None)
        tables[folder.name.removeprefix("store=")] = table.drop_columns(
            [c for c in drop if c in table.column_names]
        )
    return tables


def same_tables(a: dict[str, pa.Table], b: dict[str, pa.Table]) -> bool:
    """Whether two datasets hold the same stores with equal rows in the same order."""
    return a.keys() == b.keys() and all(a[k].equals(b[k]) for k in a)


class Said(list[str]):
    """Markdown lines, each also told to ``say`` as it is added: a run of many minutes shows
    each figure when it is taken."""

    def __init__(self, say: Callable[[str], None]) -> None:
        super().__init__()
        self.say = say

    def append(self, line: str) -> None:
        """Add and say one line."""
        super().append(line)
        self.say(line)

    def extend(self, lines: Iterable[str]) -> None:
        """Add and say each line."""
        for line in lines:
            self.append(line)


def network_lines(
    case: NetworkCase,
    work: Path,
    kushy: Path,
    workers: int | None,
    spark: bool,
    say: Callable[[str], None] = print,
) -> list[str]:
    """Generate (or reuse) the network and measure it; Markdown lines, each told to ``say``
    as soon as it is measured."""
    folder = ensure_network(case, work, kushy)
    load_before = os.getloadavg()[0]
    catalog = folder / "catalog.db"
    runs = work / "network-runs"
    more: list[str] = ["--workers", str(workers)] if workers else []
    lines = Said(say)
    lines.extend(
        [
            "",
            f"## Network sync ({case.label})",
            "",
            f"Measured by `poslink bench --parts network --network {case.spec}` (`make bench",
            f"BENCH_PARTS=network BENCH_NETWORK={case.spec}`; `BENCH_NETWORK=100x1000` for a "
            "quicker one);",
            "each figure is one process timed from outside, its process tree's memory sampled "
            "(peak PSS:",
            "what the run really holds). The network (`poslink_dev.synth.network`, cached in",
            "`out/bench/`): one catalog, each store's export in its own format (JSON, CSV with its",
            "columns, menu; a tenth gzip-compressed) with labels, a `stores.toml` manifest, and a "
            "copy",
            "with 2% of each store's records changed.",
            "",
        ]
    )
    distinct, total = distinct_names(folder)
    lines.append(
        f"- the network: {total:,} records, {distinct:,} distinct names ({distinct / total:.0%}; "
        "what a shared decision cache cannot save), generated by `poslink_dev.synth.network`."
    )
    seconds, _, pss = _sync(folder / "stores.toml", catalog, runs / "sync", *more)
    rate = case.records / seconds
    lines.append(
        f"- `poslink sync` (local engine, Parquet layout): {seconds:.1f} s, **{rate:,.0f} "
        f"records/s**, peak PSS {pss:,.0f} MB."
    )
    synced = dataset(runs / "sync")
    base_rate, alike, sample = _baseline(folder, catalog, runs, synced, more)
    lines.append(
        f"- baseline, each store alone (`poslink run`, one process a store, {sample} stores): "
        f"**{base_rate:,.0f} records/s** (the sync {rate / base_rate:,.1f}x that); the "
        f"sync's output for those stores is what `poslink run` writes: "
        f"{'yes' if alike else '**no**'}."
    )
    store = runs / "decisions.db"
    # A first sync: no store, and no index an earlier run kept beside it (network/kept.py).
    for kept in [store, *runs.glob("decisions.db.index-*")]:
        kept.unlink(missing_ok=True)
    first, _, first_pss = _sync(
        folder / "stores.toml", catalog, runs / "stored", "--store", store, *more
    )
    again, _, again_pss = _sync(
        folder / "changed" / "stores.toml", catalog, runs / "resync", "--store", store, *more
    )
    # The full sync to compare with: of the first stores (a full one costs the first sync's
    # time again).
    subset = _first_stores(folder / "changed" / "stores.toml", IDENTITY_STORES)
    _sync(subset, catalog, runs / "full", *more)
    full = dataset(runs / "full", ("match_source",))
    resynced = dataset(runs / "resync", ("match_source",))
    same = same_tables({k: resynced.get(k, pa.table({})) for k in full}, full)
    resync_rate = case.records / again
    lines.extend(
        [
            f"- with a decision store (`--store`, SQLite): the first sync {first:.1f} s "
            f"({case.records / first:,.0f} records/s, peak PSS {first_pss:,.0f} MB); the "
            f"re-sync of the network with 2% of records changed {again:.1f} s, "
            f"**{resync_rate:,.0f} records/s** (peak PSS {again_pss:,.0f} MB); its output "
            "is a full sync's of the changed network (all but `match_source`; "
            f"its first {len(full)} stores compared): "
            f"{'yes' if same else '**no**'}.",
        ]
    )
    spark_rate = None
    if spark:
        spark_s, _, spark_pss = _sync(
            folder / "stores.toml",
            catalog,
            runs / "spark",
            "--engine",
            "spark",
            "--master",
            "local[2]",
        )
        own = _report_seconds(runs / "spark")
        same_spark = same_tables(dataset(runs / "spark"), synced)
        spark_rate = case.records / spark_s
        lines.append(
            f"- on Spark (`--engine spark --master local[2]`): {spark_s:.1f} s end to end "
            f"(JVM start-up included), **{spark_rate:,.0f} records/s**; "
            f"{case.records / own:,.0f} records/s by the sync's own clock ({own:.1f} s); peak "
            f"PSS of the process tree (JVM and Python workers) {spark_pss:,.0f} MB; the "
            f"dataset is the local engine's: {'yes' if same_spark else '**no**'}."
        )
    else:
        lines.append("- on Spark: not measured (PySpark not installed).")
    lines.extend(
        [
            "",
            f"Load average (1 minute) before / after: {load_before:.1f} / {os.getloadavg()[0]:.1f} "
            "on 2 shared cores (above 2, other work took cores: the figures are pessimistic).",
        ]
    )
    if case != NetworkCase(1000, 1000):
        lines.extend(
            ["", "The targets are for 1,000 stores x 1,000 records: not judged on this run."]
        )
        return lines
    lines.extend(["", "Targets (1,000 stores x 1,000 records against 100k products, 2 cores):", ""])
    lines.extend(
        [
            _target(f"at least {TARGET_RATE:,} records/s", rate >= TARGET_RATE),
            _target(f"peak PSS within {TARGET_PSS_MB:,} MB", pss <= TARGET_PSS_MB),
            _target(
                f"the re-sync at least {TARGET_RESYNC_RATE:,} records/s, output identical",
                resync_rate >= TARGET_RESYNC_RATE and same,
            ),
        ]
    )
    if spark_rate is not None:
        lines.append(
            _target(
                f"Spark local[2] at least {TARGET_SPARK_RATE:,} records/s",
                spark_rate >= TARGET_SPARK_RATE,
            )
        )
    return lines


def distinct_names(folder: Path) -> tuple[int, int]:
    """How many distinct record names the network's stores hold, and records in all."""
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    names: set[str] = set()
    total = 0
    options = pacsv.ConvertOptions(include_columns=["productName"])
    for labels in sorted(folder.glob("exports/*/labels.csv")):
        column = pacsv.read_csv(labels, convert_options=options).column("productName")
        names.update(pc.unique(column).to_pylist())
        total += len(column)
    return len(names), total


def _first_stores(manifest: Path, count: int) -> Path:
    """A manifest of the first ``count`` stores of a generated one, beside it."""
    head, *stores = manifest.read_text(encoding="utf-8").split("[[store]]")
    subset = manifest.with_name(f"first-{count}.toml")
    subset.write_text("[[store]]".join([head, *stores[:count]]), encoding="utf-8")
    return subset


def _target(what: str, met: bool) -> str:
    return f"- {what}: {'met' if met else '**missed**'}"


def _report_seconds(out: Path) -> float:
    report = json.loads((out / "_report.json").read_text(encoding="utf-8"))
    return float(report["seconds"])


def _baseline(
    folder: Path, catalog: Path, runs: Path, synced: dict[str, pa.Table], more: list[str]
) -> tuple[float, bool, int]:
    """Stores spread over the network, each run alone: records/s, whether each output is the
    sync's for that store, how many stores."""
    from poslink.network.manifest import read_manifest

    entries = read_manifest(folder / "stores.toml")
    step = max(1, len(entries) // BASELINE_STORES)
    chosen = entries[::step][:BASELINE_STORES]
    total = records = 0.0
    alike = True
    for entry in chosen:
        out = runs / "alone" / f"{entry.store}.parquet"
        out.parent.mkdir(parents=True, exist_ok=True)
        args: list[str | Path] = ["run", "--pos", entry.pos, "--catalog", catalog, "--out", out]
        args += ["--source", entry.source, "--sink", "parquet", "-q", *more]
        for key, value in _flat_options(entry.options):
            args += ["-o", f"{key}={value}"]
        seconds, _, _ = measure(args)
        total += seconds
        table = pq.read_table(out).replace_schema_metadata(None)
        records += table.num_rows
        alike = alike and entry.store in synced and synced[entry.store].equals(table)
    return (records / total if total else 0.0), alike, len(chosen)


def _flat_options(options: dict[str, object], prefix: str = "") -> list[tuple[str, object]]:
    """Source options as ``-o key=value`` pairs (nested tables dotted)."""
    flat: list[tuple[str, object]] = []
    for key, value in options.items():
        if isinstance(value, dict):
            flat += _flat_options(value, f"{prefix}{key}.")
        else:
            flat.append((f"{prefix}{key}", value))
    return flat
